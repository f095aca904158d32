import { describe, expect, it } from "vitest";
import { compilePricing, MAX_USD_PER_TOKEN } from "./compile-pricing.js";
import { DEFAULT_PRICING } from "./default-pricing.js";

describe("compilePricing, the one price validator", () => {
  it("compiles the defaults with the overrides over them, as picodollars per token", () => {
    const table = compilePricing({ "my-model": { input_cost_per_token: 1e-6, output_cost_per_token: 2e-6 } });
    expect(table.get("my-model")).toEqual({ input: 1_000_000n, output: 2_000_000n, cachedInput: 1_000_000n });
    expect(table.size).toBe(Object.keys(DEFAULT_PRICING).length + 1);
    expect(
      compilePricing({ "gpt-4o": { input_cost_per_token: 0, output_cost_per_token: 1, cache_read_input_token_cost: 0.5 } }).get("gpt-4o"),
    ).toEqual({
      input: 0n,
      output: 1_000_000_000_000n,
      cachedInput: 500_000_000_000n,
    });
  });

  it("throws a TypeError for overrides that are not an object, naming the caller", () => {
    for (const bad of [null, "cheap", 3, true]) {
      expect(() => compilePricing(bad as never)).toThrow(
        new TypeError(`compilePricing: \`pricing\` must be an object of model name -> price, got ${typeof bad}`),
      );
    }
    expect(() => compilePricing(null as never, "TokenLedgerHandler")).toThrow(
      new TypeError("TokenLedgerHandler: `pricing` must be an object of model name -> price, got object"),
    );
  });

  it("throws one RangeError listing every bad entry, the cache-read price alone may be absent", () => {
    expect(() =>
      compilePricing(
        {
          good: { input_cost_per_token: 1e-6, output_cost_per_token: 0 },
          negative: { input_cost_per_token: -1, output_cost_per_token: 0 },
          "too-dear": {
            input_cost_per_token: 2,
            output_cost_per_token: Number.POSITIVE_INFINITY,
            cache_read_input_token_cost: "1" as never,
          },
          missing: { input_cost_per_token: 1e-6 } as never,
          none: null as never,
        },
        "TokenLedgerHandler",
      ),
    ).toThrow(
      new RangeError(
        `TokenLedgerHandler: invalid pricing (each price must be a finite number of USD per token from 0 to ${MAX_USD_PER_TOKEN}): ` +
          "negative.input_cost_per_token: -1; too-dear.input_cost_per_token: 2; too-dear.output_cost_per_token: Infinity; " +
          "too-dear.cache_read_input_token_cost: string; missing.output_cost_per_token: undefined; none: not an object",
      ),
    );
    expect(MAX_USD_PER_TOKEN).toBe(1);
    expect(() => compilePricing({ edge: { input_cost_per_token: 1, output_cost_per_token: 0 } })).not.toThrow();
  });

  it("trusts the built-in table: no overrides, no check", () => {
    expect(compilePricing().size).toBe(Object.keys(DEFAULT_PRICING).length);
    expect(compilePricing(undefined, "anyone").get("gpt-4o")?.input).toBe(2_500_000n);
  });
});
