import fc from "fast-check";
import { get_encoding, Tiktoken } from "tiktoken";
import { afterAll, describe, expect, it } from "vitest";
import { CL100K_SPECS, O200K_SPECS, P50K_SPECS, R50K_SPECS } from "../openai-encodings/index.js";
import type { TestScale } from "../test-scale.test-helper.js";
import { createEncoder } from "./create-encoder.js";
import type { Encoder } from "./encoder-of.js";
import type { EncodingName, EncodingSpec } from "./encodings.js";
import { parseRanks } from "./parse-ranks.js";
import { buildRankTable } from "./rank-table.js";
import { wholeCharStart } from "./whole-char-start.js";

/** The tests of `whole-char-start.test.ts` (`UNIT`) and `whole-char-start.integration.test.ts` (`FULL`). */
export function defineWholeCharStartTests(scale: TestScale): void {
  const SPECS: Array<[EncodingName, EncodingSpec]> = [
    ["o200k_base", O200K_SPECS.o200k_base],
    ["cl100k_base", CL100K_SPECS.cl100k_base],
    ["p50k_base", P50K_SPECS.p50k_base],
    ["r50k_base", R50K_SPECS.r50k_base],
  ];
  const references: Tiktoken[] = [];
  afterAll(() => {
    for (const ref of references) ref.free();
  });

  /** Scripts whose characters are several UTF-8 bytes, and what sits next to them in real text. */
  const RANGES: Array<[number, number]> = [
    [0x4e00, 0x9fff], // CJK ideographs
    [0x3040, 0x30ff], // kana
    [0xac00, 0xd7a3], // Hangul
    [0x0400, 0x04ff], // Cyrillic
    [0x0600, 0x06ff], // Arabic
    [0x0900, 0x097f], // Devanagari
    [0x00c0, 0x024f], // Latin with accents
    [0x3000, 0x303f], // CJK punctuation
    [0xff00, 0xffef], // full and half width forms
    [0x1f300, 0x1f64f], // emoji, four bytes
    [0x0080, 0x07ff], // every two-byte character
    [0x0800, 0xd7ff], // three-byte characters
  ];
  const scriptChar = fc.oneof(
    ...RANGES.map(([from, to]) => fc.integer({ min: from, max: to }).map((cp) => String.fromCodePoint(cp))),
    fc.constantFrom(" ", "  ", "\n", "'", "“", "”", "。", "，", "a", "Z", "1", "{0}", "-", "的", "是", "の", "다"),
  );
  /** Mostly one script, as text is: a run from one range with neighbours from anywhere. */
  const scriptText = fc
    .tuple(
      fc.constantFrom(...RANGES),
      fc.array(fc.oneof({ weight: 4, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: scriptChar }), { maxLength: 60 }),
    )
    .chain(([[from, to], slots]) =>
      fc.tuple(
        ...slots.map((other) =>
          other === undefined ? fc.integer({ min: from, max: to }).map((cp) => String.fromCodePoint(cp)) : fc.constant(other),
        ),
      ),
    )
    .map((chars) => chars.join(""));

  /** Enough multi-byte text that the encoder builds its character tables (they wait for 8 KB of it). */
  const WARM_UP = "人工智能改变了世界，我们需要新的工具。".repeat(200) + "Привет, мир! ".repeat(200) + "日本語のテキストです。".repeat(200);

  describe.each(SPECS)("%s: merging from whole characters", (name, spec) => {
    const reference = get_encoding(name as never);
    references.push(reference);
    const expected = (text: string) => Array.from(reference.encode_ordinary(text));
    const warmed: Encoder = createEncoder(name, spec);
    warmed.count(WARM_UP);

    it("gives tiktoken's ids on random text of every multi-byte script, before and after the tables are built", () => {
      const fresh = createEncoder(name, spec);
      fc.assert(
        fc.property(scriptText, (text) => {
          const ids = expected(text);
          expect(warmed.encode(text)).toEqual(ids);
          expect(warmed.count(text)).toBe(ids.length);
          expect(fresh.encode(text)).toEqual(ids);
        }),
        { numRuns: scale.runs(2_000) },
      );
    });

    it("gives tiktoken's ids on long unpunctuated runs (heap merge) after the tables are built", () => {
      fc.assert(
        fc.property(fc.array(scriptChar, { minLength: 100, maxLength: 400 }), (chars) => {
          const text = chars.join("");
          expect(warmed.encode(text)).toEqual(expected(text));
        }),
        { numRuns: scale.runs(100) },
      );
    });
  });

  describe("wholeCharStart", () => {
    const { bytes, offsets } = parseRanks(CL100K_SPECS.cl100k_base.ranks.bpe_ranks);
    const table = buildRankTable(bytes, offsets);
    const utf8 = new TextEncoder();
    const partsOf = (text: string) => {
      const buf = utf8.encode(text);
      const starts = new Int32Array(buf.length + 1);
      const ids = new Int32Array(buf.length + 1);
      const n = wholeCharStart(table, buf, 0, buf.length, starts, ids);
      return { n, starts: [...starts.subarray(0, n + 1)], ids: [...ids.subarray(0, n)] };
    };
    // Builds the tables: 8 KB of multi-byte pieces seen.
    for (let i = 0; i < 400; i++) partsOf("人工智能改变了世界");
    const reference = get_encoding("cl100k_base");
    references.push(reference);

    it("gives an all-ASCII piece its bytes", () => {
      expect(partsOf("hello").n).toBe(5);
    });

    it("starts each eager character from its own tokens, as tiktoken encodes it alone, and keeps offsets in bytes", () => {
      const { n, starts, ids } = partsOf("人工智能");
      const alone = [..."人工智能"].flatMap((c) => Array.from(reference.encode_ordinary(c)));
      expect(ids).toEqual(alone);
      expect(n).toBe(alone.length);
      expect(starts[0]).toBe(0);
      expect(starts[n]).toBe(12);
    });

    it("keeps a character's bytes when a token joins it with its neighbour below its own merges (a space before a lead byte)", () => {
      // " 或": cl100k has tokens that end with a space and a lead byte, ranked before 或's own merges.
      const { ids, n } = partsOf(" 或");
      expect(n).toBe(4);
      expect(ids.slice(1)).toEqual(
        [..."或"].flatMap((c) => [...utf8.encode(c)]).map((b) => Number(reference.encode_single_token(Uint8Array.of(b)))),
      );
    });
  });

  describe("merging from whole characters and first merges, on random vocabularies", () => {
    // Devanagari consonants (letters) and vowel signs (marks): one piece for our o200k split, and
    // three bytes each, all starting with 0xE0 0xA4 or 0xE0 0xA5, as in the text where characters
    // most often take only their first merge alone.
    const CHARS = ["\u0915", "\u0916", "\u0917", "\u0930", "\u093f", "\u0940", "\u0947", "\u094b", "\u0902"];
    const utf8 = new TextEncoder();
    const base64 = (bytes: Uint8Array | number[]) => Buffer.from(bytes).toString("base64");
    const word = (indexes: number[]) => `\u0915${indexes.map((i) => CHARS[i]!).join("")}`;
    const text = fc.array(fc.integer({ min: 0, max: CHARS.length - 1 }), { minLength: 1, maxLength: 40 }).map(word);
    // Tokens: byte strings cut from such text, so that they start and end inside characters and across their boundaries.
    const token = fc
      .tuple(text, fc.nat(), fc.integer({ min: 2, max: 7 }))
      .map(([t, at, length]) => {
        const bytes = utf8.encode(t);
        const from = at % Math.max(1, bytes.length - 1);
        return Array.from(bytes.subarray(from, from + length));
      })
      .filter((bytes) => bytes.length >= 2);

    it("gives tiktoken's ids once the character tables are built", () => {
      fc.assert(
        fc.property(
          fc.uniqueArray(token, { minLength: 1, maxLength: 40, selector: (t) => t.join(",") }),
          fc.array(text, { minLength: 1, maxLength: 8 }),
          (tokens, texts) => {
            const vocabulary = [...Array.from({ length: 256 }, (_, b) => [b]), ...tokens];
            const spec: EncodingSpec = {
              ranks: { bpe_ranks: `! 0 ${vocabulary.map(base64).join(" ")}`, special_tokens: {} },
              pattern: "o200k",
              specialTokens: () => ({}),
            };
            const ours = createEncoder("o200k_base", spec);
            const reference = new Tiktoken(vocabulary.map((bytes, rank) => `${base64(bytes)} ${rank}`).join("\n"), {}, "[^a-z]+");
            try {
              // Short pieces of multi-byte text, 9 KB of them, build the character tables (see `wholeCharStart`).
              const warm = word(Array.from({ length: 100 }, (_, i) => i % CHARS.length));
              for (let bytes = 0; bytes < 9_000; bytes += utf8.encode(warm).length) ours.count(warm);
              for (const t of texts) expect(ours.encode(t)).toEqual(Array.from(reference.encode_ordinary(t)));
            } finally {
              reference.free();
            }
          },
        ),
        {
          numRuns: scale.runs(300),
          examples: [
            // A character whose second merge ranks below its first: M(c) is the higher of the two.
            [
              [
                [224, 164, 149],
                [149, 224],
                [224, 164],
              ],
              ["कक"],
            ],
            // The same, where taking only the first merge alone would go wrong.
            [
              [
                [224, 164, 149],
                [149, 224, 164, 149],
                [224, 164],
              ],
              ["कक"],
            ],
          ],
        },
      );
    });
  });
}
