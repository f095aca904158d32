import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ASCII_PIECE_END } from "./ascii-pieces.js";
import { createPieceScanner } from "./pre-tokenizer.js";

function regexPieces(pattern: "o200k" | "cl100k", text: string): number[] {
  const scanner = createPieceScanner(pattern)(text);
  const ends: number[] = [];
  for (let pos = 0; pos < text.length; ) {
    scanner.lastIndex = pos;
    scanner.test(text);
    pos = scanner.lastIndex;
    ends.push(pos);
  }
  return ends;
}

describe.each(["o200k", "cl100k"] as const)("ASCII fast path (%s)", (pattern) => {
  it("ends every piece where the regex ends it, or defers to the regex", () => {
    const unit = fc.constantFrom(..."aAbZ09 '\t\n\r\v\f.,/!-_()sStTdDlLrReEvV\u00e9\u00a0\u3000\u0301\u0085");
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 40 }), (text) => {
        const expected = regexPieces(pattern, text);
        for (let i = 0, pos = 0; pos < text.length; i++) {
          const end = ASCII_PIECE_END[pattern](text, pos);
          if (end >= 0) expect(end).toBe(expected[i]);
          pos = expected[i]!;
        }
      }),
      { numRuns: 5000 },
    );
  });
});
