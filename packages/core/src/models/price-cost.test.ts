import { describe, expect, it } from "vitest";
import { compilePricing } from "./compile-pricing.js";
import { findPrice } from "./find-price.js";
import { costInPico, inputCostUsd, picoToUsd } from "./price-cost.js";
import { resolveModel } from "./resolve-model.js";

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

  it("checks its pricing as compilePricing does: a bad price throws instead of being skipped", () => {
    expect(() => inputCostUsd("gpt-4o", 10, { "gpt-4o": { input_cost_per_token: Number.NaN, output_cost_per_token: 1 } })).toThrow(
      new RangeError(
        "inputCostUsd: invalid pricing (each price must be a finite number of USD per token from 0 to 1): gpt-4o.input_cost_per_token: NaN",
      ),
    );
    expect(() => inputCostUsd("gpt-4o", 10, "cheap" as never)).toThrow(TypeError);
  });
});
