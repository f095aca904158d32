import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { TestScale } from "../test-scale.test-helper.js";
import { CUT, type PatternName, pieceEndFor, pieceUnits } from "./hand-pre-tokenizer.js";
import { createPieceScanner } from "./regex-pre-tokenizer.js";

/** The tests of `hand-pre-tokenizer.test.ts` (`UNIT`) and `hand-pre-tokenizer.integration.test.ts` (`FULL`). */
export function defineHandPreTokenizerTests(scale: TestScale): void {
  const utf8 = new TextEncoder();

  function regexPieceEnds(pattern: PatternName, text: string): number[] {
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

  const byteOffset = (text: string, pos: number) => utf8.encode(text.slice(0, pos)).length;

  /** Characters of every class the regexes tell apart, ASCII and not, of one to four UTF-8 bytes. */
  const unit = fc.constantFrom(
    ..."aAbZ09 '\t\n\r\v\f.,/!-_()sStTdDlLrReEvV",
    ..."中文字あカ한，。“”：！（）😀🎉ſ",
    ..."\u00e9\u00c9\u01c5\u02b0\u00a0\u3000\u0301\u0085\u200d\ufe0f\u00b2\u3007\u2070\u0e01\u0e31\uff76\u0663\u2028\u1680\ud835\udc00\u{20000}",
  );
  const stale = fc.string({ unit: fc.constantFrom(..."'sSlLeE a\n中\u0301"), maxLength: 3 });

  describe.each(["o200k", "cl100k", "gpt2"] as const)("the hand pre-tokenizer (%s)", (pattern) => {
    const pieceEnd = pieceEndFor(pattern);

    it("ends every piece where the regex ends it, and knows its UTF-16 length", () => {
      fc.assert(
        fc.property(fc.string({ unit, maxLength: 40 }), (text) => {
          const ends = regexPieceEnds(pattern, text);
          const bytes = utf8.encode(text);
          for (let i = 0, pos = 0; pos < text.length; i++) {
            const end = pieceEnd(bytes, bytes.length, byteOffset(text, pos));
            expect(end).toBe(byteOffset(text, ends[i]!));
            expect(pieceUnits()).toBe(ends[i]! - pos);
            pos = ends[i]!;
          }
        }),
        { numRuns: scale.runs(5000) },
      );
    });

    it("defers every piece whose end lies past a cut, or depends on what follows it", () => {
      fc.assert(
        fc.property(fc.string({ unit, minLength: 1, maxLength: 40 }), fc.nat(), stale, (text, at, after) => {
          const codePoints = Array.from(text);
          expectCutRespected(pieceEnd, pattern, text, codePoints.slice(0, at % codePoints.length).join("").length, after);
        }),
        { numRuns: scale.runs(5000) },
      );
      for (const text of ["it'll go", "we're", "I'VE x", "x'd", "a.\n\n/", "12345", "中文'll", "a'ſ", " \u0301A."]) {
        for (let at = 0; at < text.length; at++) expectCutRespected(pieceEnd, pattern, text, at, "'lle");
      }
    });
  });

  function expectCutRespected(
    pieceEnd: ReturnType<typeof pieceEndFor>,
    pattern: PatternName,
    text: string,
    at: number,
    after: string,
  ): void {
    const cut = byteOffset(text, at);
    const ends = regexPieceEnds(pattern, text);
    const buffer = Uint8Array.from([...utf8.encode(text).subarray(0, cut), CUT, ...utf8.encode(after)]);
    for (let i = 0, pos = 0; byteOffset(text, pos) < cut; i++) {
      const end = pieceEnd(buffer, cut + 1, byteOffset(text, pos));
      if (end >= 0) expect(end).toBe(byteOffset(text, ends[i]!));
      pos = ends[i]!;
    }
  }
}
