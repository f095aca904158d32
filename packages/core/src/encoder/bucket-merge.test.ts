import fc from "fast-check";
import { get_encoding, Tiktoken } from "tiktoken";
import { afterAll, describe, expect, it } from "vitest";
import { CL100K_SPECS, O200K_SPECS } from "../openai-encodings/index.js";
import { createEncoder } from "./create-encoder.js";
import type { EncodingSpec } from "./encodings.js";

// A piece of more than 96 parts (here bytes: ASCII only) merges by rank buckets, and starts over in the heap merge when a
// merge makes a pair ranked below the open bucket. Every expected value here is tiktoken's.

const base64 = (bytes: number[]) => Buffer.from(bytes).toString("base64");
const ascii = (text: string) => Array.from(text, (c) => c.charCodeAt(0));

// Texts here are lower-case letters only: one piece for our o200k split and for this one.
const ONE_PIECE_PATTERN = "[a-z]+|[^a-z]+";

/** Our encoder and tiktoken over the same small vocabulary: every byte, then `tokens` in rank order. */
function pairOver(tokens: string[]) {
  const vocabulary = [...Array.from({ length: 256 }, (_, b) => [b]), ...tokens.map(ascii)];
  const spec: EncodingSpec = {
    ranks: { bpe_ranks: `! 0 ${vocabulary.map(base64).join(" ")}`, special_tokens: {} },
    pattern: "o200k",
    specialTokens: () => ({}),
  };
  const reference = new Tiktoken(vocabulary.map((bytes, rank) => `${base64(bytes)} ${rank}`).join("\n"), {}, ONE_PIECE_PATTERN);
  return { ours: createEncoder("o200k_base", spec), reference };
}

describe("long pieces, against tiktoken", () => {
  const o200k = get_encoding("o200k_base");
  const cl100k = get_encoding("cl100k_base");
  afterAll(() => {
    o200k.free();
    cl100k.free();
  });

  it("gives tiktoken's ids when a merge makes a pair ranked below the one just merged", () => {
    // "bb" (257) merges first; then "bb" + "b" is "bbb", rank 256: tiktoken merges it before the
    // second "bb", which the rank buckets alone would take next (fast-check found this one).
    const { ours, reference } = pairOver(["bbb", "bb", "aa"]);
    const text = `${"a".repeat(72)}bbbb${"a".repeat(21)}`;
    const expected = Array.from(reference.encode_ordinary(text));
    expect(expected).toContain(256);
    expect(ours.encode(text)).toEqual(expected);
    reference.free();
  });

  it("empties the buckets a merge it starts over left, so the pieces after it merge as before", () => {
    const { ours, reference } = pairOver(["bbb", "bb", "aa"]);
    // "bbb" starts it over while "aa"'s bucket holds entries 3 and on, which the next piece does not write.
    const first = `bbbb${"a".repeat(93)}`;
    for (const text of [first, `${"c".repeat(50)}aa${"c".repeat(50)}`, first, `${"a".repeat(60)}bb${"a".repeat(40)}`]) {
      expect(ours.encode(text)).toEqual(Array.from(reference.encode_ordinary(text)));
    }
    reference.free();
  });

  it("takes a piece as long as the longest token whole when it is one, as tiktoken's first step does, and merges a longer one", () => {
    // No token between the bytes and the 70 b's: only the whole-piece lookup finds it.
    const { ours, reference } = pairOver(["b".repeat(70)]);
    for (const text of ["b".repeat(70), "b".repeat(71), `${"b".repeat(70)}a`]) {
      const expected = Array.from(reference.encode_ordinary(text));
      expect(ours.encode(text)).toEqual(expected);
      expect(ours.count(text)).toBe(expected.length);
    }
    expect(ours.count("b".repeat(70))).toBe(1);
    reference.free();
  });

  it("merges into parts as long as 255 bytes, and gives a vocabulary with longer tokens to the heap merge", () => {
    // b^2 ... b^255 in rank order: 383 b's end as b^128 b^255.
    const lengths = Array.from({ length: 254 }, (_, i) => i + 2);
    const longestId = 256 + lengths.length - 1;
    for (const longer of [[], [256]]) {
      const { ours, reference } = pairOver([...lengths, ...longer].map((length) => "b".repeat(length)));
      try {
        expect(Array.from(reference.encode_ordinary("b".repeat(383)))).toEqual([256 + 126, longestId]);
        for (const length of [300, 383, 511, 765, 1000]) {
          const text = "b".repeat(length);
          const expected = Array.from(reference.encode_ordinary(text));
          expect(ours.encode(text)).toEqual(expected);
          expect(ours.count(text)).toBe(expected.length);
        }
      } finally {
        reference.free();
      }
    }
  });

  it("gives tiktoken's ids on random vocabularies and long pieces (in rank order or not)", () => {
    const token = fc.string({ unit: fc.constantFrom("a", "b", "c"), minLength: 2, maxLength: 6 });
    fc.assert(
      fc.property(
        fc.uniqueArray(token, { minLength: 1, maxLength: 24 }),
        fc.string({ unit: fc.constantFrom("a", "b", "c"), minLength: 97, maxLength: 400 }),
        (tokens, text) => {
          const { ours, reference } = pairOver(tokens);
          try {
            const expected = Array.from(reference.encode_ordinary(text));
            expect(ours.encode(text)).toEqual(expected);
            expect(ours.count(text)).toBe(expected.length);
          } finally {
            reference.free();
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it.each([
    ["o200k_base", O200K_SPECS.o200k_base],
    ["cl100k_base", CL100K_SPECS.cl100k_base],
  ] as const)("%s: gives tiktoken's ids on long runs of repeated units", (name, spec) => {
    const ours = createEncoder(name, spec);
    const reference = name === "o200k_base" ? o200k : cl100k;
    const unit = fc.constantFrom("a", "ab", "aa", "the", "人", "の", "é", "😀", "🎉👍", " ", " \t", "\t", "=", "-", "0", "ſ");
    fc.assert(
      fc.property(fc.array(fc.tuple(unit, fc.integer({ min: 1, max: 60 })), { minLength: 1, maxLength: 12 }), (runs) => {
        const text = runs.map(([u, times]) => u.repeat(times)).join("");
        expect(ours.encode(text)).toEqual(Array.from(reference.encode_ordinary(text)));
      }),
      { numRuns: 200 },
    );
  });
});
