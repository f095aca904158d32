import { describe, expect, it } from "vitest";
import { compilePricing, costInPico, findPrice, inputCostUsd, picoToUsd } from "./pricing.js";
import { registerModel, resetModelRegistry, resolveModel } from "./resolve-model.js";

// Expected prices are OpenAI's published per-million prices, written out here, not read from DEFAULT_PRICING.
describe("prices", () => {
  it("finds a price for every name that resolveModel gives a window (dated, routed, fine-tuned)", () => {
    for (const [name, usdPerMillion] of [
      ["gpt-4o", 2.5],
      ["gpt-4o-2024-08-06", 2.5],
      ["openai/gpt-4o", 2.5],
      ["openrouter/openai/gpt-4o", 2.5],
      [" openrouter/openai/gpt-4o-mini ", 0.15],
      ["ft:gpt-4o-mini-2024-07-18:acme::abc123", 0.15],
      ["gpt-4-0613", 30],
    ] as const) {
      expect(resolveModel(name).contextWindow, name).toBeGreaterThan(0);
      expect(inputCostUsd(name, 1_000_000), name).toBeCloseTo(usdPerMillion, 12);
    }
  });

  it("does not take a shorter name's price across a word (gpt-4 is not gpt-4o's prefix)", () => {
    const table = compilePricing({ "gpt-4o": { input_cost_per_token: Number.NaN, output_cost_per_token: 1 } });
    expect(findPrice(table, "gpt-4o")).toBeUndefined();
    expect(findPrice(table, "gpt-4")).toBeDefined();
    expect(inputCostUsd("my-llama", 10)).toBeUndefined();
    expect(findPrice(table, undefined)).toBeUndefined();
  });

  it("prices a fractional count as whole tokens (rounded) and rejects a negative or non-finite one", () => {
    expect(inputCostUsd("gpt-4o", 1.5)).toBe(inputCostUsd("gpt-4o", 2));
    expect(inputCostUsd("gpt-4o", 0.4)).toBe(0);
    for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY, "3" as never]) {
      expect(() => inputCostUsd("gpt-4o", bad)).toThrow(/inputTokens must be a finite number >= 0/);
    }
  });

  it("never throws while costing a call, whatever the counts", () => {
    const price = findPrice(compilePricing(), "gpt-4o")!;
    expect(picoToUsd(costInPico(price, 1_000_000, 0, 1_000_000))).toBeCloseTo(12.5, 12);
    expect(picoToUsd(costInPico(price, 1_000_000, 2_000_000, 0))).toBeCloseTo(1.25, 12);
    expect(costInPico(price, Number.NaN, -5, 2.5)).toBe(costInPico(price, 0, 0, 3));
  });

  it("takes overrides over the defaults", () => {
    expect(inputCostUsd("my-model-v2", 1_000_000, { "my-model": { input_cost_per_token: 1e-6, output_cost_per_token: 2e-6 } })).toBe(1);
  });
});

describe("registerModel limits", () => {
  it("rejects a negative, fractional or non-finite window or output limit with one clear error", () => {
    for (const bad of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, "8192" as never]) {
      expect(() => registerModel({ match: "x", contextWindow: bad })).toThrow(/contextWindow must be a whole number of tokens >= 0/);
      expect(() => registerModel({ match: "x", maxOutputTokens: bad })).toThrow(/maxOutputTokens must be a whole number of tokens >= 0/);
    }
    expect(resolveModel("x").known).toBe(false);
    registerModel({ match: "x", contextWindow: 0, maxOutputTokens: 0 });
    expect(resolveModel("x").contextWindow).toBe(0);
    resetModelRegistry();
  });
});
