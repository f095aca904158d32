import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileLedgerPricing, runCostPico } from "./ledger-pricing.js";
import { TokenLedgerHandler } from "./token-ledger-handler.js";

describe("compileLedgerPricing", () => {
  it("rejects, with one error naming each, prices that are negative, non-finite, huge or not numbers", () => {
    const bad = {
      a: { input_cost_per_token: -1e-6, output_cost_per_token: 1e-6 },
      b: { input_cost_per_token: Number.POSITIVE_INFINITY, output_cost_per_token: 1e-6 },
      c: { input_cost_per_token: 1e-6, output_cost_per_token: 1e300 },
      d: { input_cost_per_token: 1e-6, output_cost_per_token: "2e-6" as never },
      e: { input_cost_per_token: 1e-6, output_cost_per_token: 1e-6, cache_read_input_token_cost: Number.NaN },
    };
    expect(() => compileLedgerPricing(bad)).toThrow(
      new RangeError(
        "TokenLedgerHandler: invalid pricing (each price must be a finite number of USD per token from 0 to 1): a.input_cost_per_token: -0.000001; b.input_cost_per_token: Infinity; c.output_cost_per_token: 1e+300; d.output_cost_per_token: string; e.cache_read_input_token_cost: NaN",
      ),
    );
    expect(() => new TokenLedgerHandler({ pricing: bad })).toThrow(RangeError);
    expect(() => new TokenLedgerHandler({ pricing: "gpt-4o" as never })).toThrow(TypeError);
  });

  it("accepts valid prices and prices by them", () => {
    const table = compileLedgerPricing({
      mine: { input_cost_per_token: 1e-6, output_cost_per_token: 2e-6, cache_read_input_token_cost: 5e-7 },
    });
    expect(runCostPico(table, "mine", 100, 40, 10)).toBe(60n * 1_000_000n + 40n * 500_000n + 10n * 2_000_000n);
    expect(runCostPico(table, "gpt-4o-mini-2024-07-18", 1000, 0, 0)).toBe(150_000_000n);
    expect(runCostPico(table, "no-such-model", 1000, 0, 0)).toBeUndefined();
  });

  it("never returns a negative cost, and never throws, whatever the token numbers (property)", () => {
    const table = compileLedgerPricing(undefined);
    const anyNumber = fc.oneof(fc.double(), fc.integer(), fc.constant(Number.NaN), fc.constant(-1e300));
    fc.assert(
      fc.property(anyNumber, anyNumber, anyNumber, (input, cached, output) => {
        expect(runCostPico(table, "gpt-4o", input, cached, output)! >= 0n).toBe(true);
      }),
    );
  });
});
