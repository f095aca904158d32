import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BOTH_CASES, CUT, EMOJI, PIECE_END, PUNCTUATION, wideCharsOfLastPiece } from "./piece-end.js";
import { createPieceScanner, WHITE_SPACE } from "./pre-tokenizer.js";
import { UNICODE_CLASSES } from "./unicode-classes.js";

const utf8 = new TextEncoder();

function regexPieceEnds(pattern: "o200k" | "cl100k", text: string): number[] {
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

const unit = fc.constantFrom(
  ..."aAbZ09 '\t\n\r\v\f.,/!-_()sStTdDlLrReEvV",
  ..."中文字あカ한，。“”：！（）😀🎉",
  ..."\u00e9\u00a0\u3000\u0301\u0085\u200d\ufe0f\u00b2\u3007\u2070",
);
const stale = fc.string({ unit: fc.constantFrom(..."'sSlLeE a\n中"), maxLength: 3 });

describe.each(["o200k", "cl100k"] as const)("known pieces (%s)", (pattern) => {
  it("end every piece where the regex ends it, or defer to the regex, never reading past the length, and count its wide characters", () => {
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 40 }), stale, (text, after) => {
        const ends = regexPieceEnds(pattern, text);
        const bytes = utf8.encode(text);
        const buffer = Uint8Array.from([...bytes, ...utf8.encode(after)]);
        for (let i = 0, pos = 0; pos < text.length; i++) {
          const end = PIECE_END[pattern](buffer, bytes.length, byteOffset(text, pos));
          if (end >= 0) {
            expect(end).toBe(byteOffset(text, ends[i]!));
            expect(wideCharsOfLastPiece()).toBe(Array.from(text.slice(pos, ends[i])).filter((c) => utf8.encode(c).length >= 3).length);
          }
          pos = ends[i]!;
        }
      }),
      { numRuns: 5000 },
    );
  });

  it("defer every piece whose end lies past a cut, or depends on what follows it", () => {
    fc.assert(
      fc.property(fc.string({ unit, minLength: 1, maxLength: 40 }), fc.nat(), stale, (text, at, after) => {
        const codePoints = Array.from(text);
        expectCutRespected(pattern, text, codePoints.slice(0, at % codePoints.length).join("").length, after);
      }),
      { numRuns: 5000 },
    );
    for (const text of ["it'll go", "we're", "I'VE x", "x'd", "a.\n\n/", "12345", "中文'll"]) {
      for (let at = 0; at < text.length; at++) expectCutRespected(pattern, text, at, "'lle");
    }
  });
});

function expectCutRespected(pattern: "o200k" | "cl100k", text: string, at: number, after: string): void {
  const cut = byteOffset(text, at);
  const ends = regexPieceEnds(pattern, text);
  const buffer = Uint8Array.from([...utf8.encode(text).subarray(0, cut), CUT, ...utf8.encode(after)]);
  for (let i = 0, pos = 0; byteOffset(text, pos) < cut; i++) {
    const end = PIECE_END[pattern](buffer, cut + 1, byteOffset(text, pos));
    if (end >= 0) expect(end).toBe(byteOffset(text, ends[i]!));
    pos = ends[i]!;
  }
}

describe("the classes the pieces know", () => {
  const inClass = (body: string) => new RegExp(`^[${body}]$`, "u");
  const letterOrNumberOrSpace = inClass(`${UNICODE_CLASSES.L}${UNICODE_CLASSES.N}${WHITE_SPACE}`);
  const otherLetter = inClass(UNICODE_CLASSES.Lo);
  const all = (ranges: ReadonlyArray<readonly [number, number]>, test: (c: string) => boolean) =>
    ranges
      .flatMap(([from, to]) => Array.from({ length: to - from + 1 }, (_, i) => from + i))
      .filter((cp) => !test(String.fromCodePoint(cp)));

  it("are tiktoken's: letters in both cases are \\p{Lo}", () => {
    expect(all(BOTH_CASES, (c) => otherLetter.test(c))).toEqual([]);
  });

  it("are tiktoken's: punctuation and emoji are no letter, number or space", () => {
    expect(all([...PUNCTUATION, EMOJI], (c) => !letterOrNumberOrSpace.test(c))).toEqual([]);
  });
});
