import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildPairTable, mergeSymbols } from "./pair-merge.js";

// Symbols: 0 = a, 1 = b, 2 = c; merges by list order, not by merged id.
const MERGES: Array<[number, number, number]> = [
  [1, 2, 10], // b c -> bc (first!)
  [0, 1, 11], // a b -> ab
  [0, 0, 12], // a a -> aa
  [11, 2, 13], // ab c -> abc
  [0, 10, 14], // a bc -> abc'
  [12, 12, 15], // aa aa -> aaaa
];
const table = buildPairTable(MERGES);

/** The textbook algorithm: merge the first pair in list order, leftmost on ties, until none applies. */
function reference(symbols: number[]): number[] {
  const s = [...symbols];
  for (;;) {
    let best = Number.POSITIVE_INFINITY;
    let at = -1;
    for (let i = 0; i + 1 < s.length; i++) {
      const p = MERGES.findIndex(([a, b]) => a === s[i] && b === s[i + 1]);
      if (p >= 0 && p < best) {
        best = p;
        at = i;
      }
    }
    if (at < 0) return s;
    s.splice(at, 2, MERGES[best]![2]);
  }
}

const merged = (symbols: number[]) => {
  const ids = Int32Array.from(symbols);
  return Array.from(ids.subarray(0, mergeSymbols(table, ids, ids.length)));
};

describe("mergeSymbols", () => {
  it("merges by the pair's place in the list, not by the merged id", () => {
    expect(merged([0, 1, 2])).toEqual([14]); // b c first, then a bc
  });

  it("merges equal pairs leftmost first", () => {
    expect(merged([0, 0, 0])).toEqual([12, 0]);
    expect(merged([0, 0, 0, 0])).toEqual([15]);
  });

  it("equals the textbook algorithm on short and long words (scan and heap)", () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(0, 1, 2, -1), { maxLength: 300 }), (symbols) => {
        expect(merged(symbols)).toEqual(reference(symbols));
      }),
      { numRuns: 300 },
    );
  });
});
