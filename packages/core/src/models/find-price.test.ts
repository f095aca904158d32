import { afterEach, describe, expect, it } from "vitest";
import { compilePricing } from "./compile-pricing.js";
import { findPrice } from "./find-price.js";
import { registerModel, resetModelRegistry } from "./model-registry.js";
import { inputCostUsd } from "./price-cost.js";
import { resolveModel } from "./resolve-model.js";

afterEach(() => resetModelRegistry());

describe("findPrice", () => {
  it("does not take a shorter name's price across a word (gpt-4 is not gpt-4o's prefix)", () => {
    const table = compilePricing();
    table.delete("gpt-4o");
    expect(findPrice(table, "gpt-4o")).toBeUndefined();
    expect(findPrice(table, "gpt-4")).toBeDefined();
    expect(inputCostUsd("my-llama", 10)).toBeUndefined();
    expect(findPrice(table, undefined)).toBeUndefined();
  });

  it("prices a model registered with a price, by every name that resolves to the registration", () => {
    registerModel({ match: "my-finetune", contextWindow: 32_000, price: { input_cost_per_token: 3e-6, output_cost_per_token: 6e-6 } });
    expect(resolveModel("my-finetune-v2")).toMatchObject({ known: true, contextWindow: 32_000 });
    expect(findPrice(compilePricing(), "my-finetune-v2")).toEqual({ input: 3_000_000n, cachedInput: 3_000_000n, output: 6_000_000n });
    expect(inputCostUsd("my-finetune", 1_000_000)).toBe(3);
    // a registered price wins over the tables, as registered limits do
    registerModel({ match: "gpt-4o", price: { input_cost_per_token: 1e-6, output_cost_per_token: 1e-6 } });
    expect(inputCostUsd("gpt-4o-2024-08-06", 1_000_000)).toBe(1);
  });

  it("prices a name a registration claims by the registration's own name, when that name is priced", () => {
    expect(inputCostUsd("gpt-4omni-deployment", 1_000_000)).toBeUndefined();
    registerModel({ match: "gpt-4o", contextWindow: 64_000 });
    expect(resolveModel("gpt-4omni-deployment")).toMatchObject({ known: true, contextWindow: 64_000 });
    expect(inputCostUsd("gpt-4omni-deployment", 1_000_000)).toBeCloseTo(2.5, 12);
    // a RegExp names no model: nothing to take a price from
    registerModel({ match: /^acme-/, contextWindow: 8_000 });
    expect(inputCostUsd("acme-large", 1_000)).toBeUndefined();
  });

  it("checks a registered price with compilePricing's one validator", () => {
    expect(() => registerModel({ match: "x", price: { input_cost_per_token: -1, output_cost_per_token: 2e-6 } })).toThrow(
      new RangeError(
        "registerModel: invalid pricing (each price must be a finite number of USD per token from 0 to 1): x.input_cost_per_token: -1",
      ),
    );
    expect(() => registerModel({ match: "x", price: "free" as never })).toThrow(/registerModel: invalid pricing .*x: not an object/);
    expect(resolveModel("x").known).toBe(false);
  });

  it("follows resetModelRegistry", () => {
    registerModel({ match: "my-model", price: { input_cost_per_token: 1e-6, output_cost_per_token: 1e-6 } });
    expect(inputCostUsd("my-model", 1)).toBeDefined();
    resetModelRegistry();
    expect(inputCostUsd("my-model", 1)).toBeUndefined();
  });
});
