import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { firstWithin, largestFitting } from "./prompt-search.js";

describe("firstWithin", () => {
  it("finds the first candidate within the budget, as a scan would, with few costs computed", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 400 }), { minLength: 0, maxLength: 1_000 }),
        fc.array(fc.double({ min: 0.5, max: 2, noNaN: true }), { minLength: 1, maxLength: 1_000 }),
        fc.integer({ min: 0, max: 100_000 }),
        (tokens, noise, budget) => {
          // Candidate j keeps messages j..n-1 plus a fixed 30; sizes are characters, roughly 4 a token.
          const n = tokens.length;
          const suffix = [0];
          const chars = [0];
          for (let i = n - 1; i >= 0; i--) {
            suffix.unshift(suffix[0]! + tokens[i]!);
            chars.unshift(chars[0]! + Math.round(tokens[i]! * 4 * noise[i % noise.length]!));
          }
          let calls = 0;
          const cost = (j: number) => {
            calls++;
            return 30 + suffix[j]!;
          };
          const found = firstWithin(n, budget, cost, (j) => chars[j]!);
          let expected = -1;
          for (let j = 0; j <= n && expected < 0; j++) if (30 + suffix[j]! <= budget) expected = j;
          if (expected < 0) expect(found).toBeUndefined();
          else {
            expect(found).toEqual({ index: expected, cost: 30 + suffix[expected]! });
            expect(calls).toBeLessThanOrEqual(4 + 3 * Math.ceil(Math.log2(n + 2)));
          }
        },
      ),
      { numRuns: 300, seed: 30 },
    );
  });

  it("returns a candidate within the budget when costs do not fall with the index", () => {
    const costs = [50, 10, 60, 5, 70, 0];
    const found = firstWithin(
      costs.length - 1,
      40,
      (j) => costs[j]!,
      (j) => (costs.length - j) * 10,
    );
    expect(found).toBeDefined();
    expect(costs[found!.index]).toBeLessThanOrEqual(40);
    expect(
      firstWithin(
        2,
        4,
        (j) => [9, 8, 5][j]!,
        (j) => 3 - j,
      ),
    ).toBeUndefined();
  });
});

describe("largestFitting", () => {
  it("is the largest n that fits, 0 when none", () => {
    for (let count = 0; count < 20; count++)
      for (let limit = 0; limit <= count + 1; limit++) expect(largestFitting(count, (n) => n <= limit)).toBe(Math.min(limit, count));
  });
});
