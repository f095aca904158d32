import fc from "fast-check";
import { get_encoding, type Tiktoken } from "tiktoken";
import { afterAll, describe, expect, it } from "vitest";
import { getEncoder } from "../loader/index.js";
import { CL100K_SPECS, O200K_SPECS, P50K_SPECS, R50K_SPECS } from "../openai-encodings/index.js";
import type { TestScale } from "../test-scale.test-helper.js";
import { createEncoder } from "./create-encoder.js";
import type { EncodingName, EncodingSpec } from "./encodings.js";

/** The tests of `create-encoder.test.ts` (`UNIT`) and `create-encoder.integration.test.ts` (`FULL`). */
export function defineCreateEncoderTests(scale: TestScale): void {
  const NAMES: EncodingName[] = ["o200k_base", "cl100k_base", "p50k_base", "r50k_base"];
  const SPECS: Partial<Record<EncodingName, EncodingSpec>> = {
    o200k_base: O200K_SPECS.o200k_base,
    cl100k_base: CL100K_SPECS.cl100k_base,
    p50k_base: P50K_SPECS.p50k_base,
    r50k_base: R50K_SPECS.r50k_base,
  };
  const references = new Map<EncodingName, Tiktoken>(NAMES.map((n) => [n, get_encoding(n as never)]));
  afterAll(() => {
    for (const ref of references.values()) ref.free();
  });
  const reference = (name: EncodingName, text: string) => Array.from(references.get(name)!.encode_ordinary(text));

  const textLike = fc.oneof(
    fc.string({ unit: "grapheme", maxLength: 80 }),
    fc.string({ unit: "binary", maxLength: 60 }),
    fc.string({ unit: fc.constantFrom(..."aA zZ'sSt\n\r\t 1234.,!?/-_é中文字ſ\u0085\ufeff\u00a0\u3000😀"), maxLength: 60 }),
    fc.string({
      unit: fc.constantFrom(
        "don't",
        " I'LL",
        "Hello",
        "WORLD",
        "x",
        " ",
        "  ",
        "\n",
        "\r\n",
        "123456",
        "()",
        "{",
        "'",
        "人工智能",
        "🙂",
        "\u0301",
      ),
      maxLength: 30,
    }),
  );

  describe.each(NAMES)("%s against tiktoken", (name) => {
    const encoder = getEncoder(name);

    it("gives the same ids for arbitrary strings", () => {
      fc.assert(
        fc.property(textLike, (text) => {
          expect(encoder.encode(text)).toEqual(reference(name, text));
        }),
        { numRuns: scale.runs(1500) },
      );
    });

    it("counts exactly the ids it encodes", () => {
      fc.assert(
        fc.property(textLike, (text) => {
          expect(encoder.count(text)).toBe(encoder.encode(text).length);
        }),
        { numRuns: scale.runs(500) },
      );
    });

    it("round-trips well-formed strings, a leading byte-order mark too", () => {
      const wellFormed = fc.oneof(
        fc.string({ unit: "grapheme", maxLength: 100 }),
        fc.string({ unit: fc.constantFrom("\ufeff", "\ufffe", "a", " ", "中", "😀", "\u0000", "\uffff"), maxLength: 20 }),
      );
      fc.assert(
        fc.property(wellFormed, (text) => {
          expect(encoder.decode(encoder.encode(text))).toBe(text);
        }),
        { numRuns: scale.runs(500) },
      );
      for (const text of ["\ufeff", "\ufeff\ufeff", "\ufeffx", "x\ufeff"]) expect(encoder.decode(encoder.encode(text))).toBe(text);
    });

    it("takes 'ſ (U+017F, which case-folds to s) for a contraction where tiktoken does", () => {
      for (const text of ["a'ſ'tt", "a'ſ", "'ſ", "I'ſ x", "AB'ſ", "中'ſ", "a'ſs", "a'ſ'S"])
        expect(encoder.encode(text)).toEqual(reference(name, text));
    });

    it("encodes special-token strings as plain text", () => {
      const text = "a<|endoftext|>b<|fim_prefix|>";
      expect(encoder.encode(text)).toEqual(reference(name, text));
      expect(encoder.count(text)).toBeGreaterThan(3);
    });
  });

  describe("texts longer than the encoder's window", () => {
    // A window of 64 characters instead of 65,536 cuts pieces as often, on texts a thousand times shorter.
    const SMALL_WINDOW = 64;
    const smallWindow = new Map(NAMES.map((n) => [n, createEncoder(n, SPECS[n]!, SMALL_WINDOW)]));
    const filler = fc.constantFrom(
      "ab ",
      " x",
      "a\n  ",
      "x\n \n ",
      "中，",
      "文字 ",
      "😀 ",
      "9",
      "'ll ",
      "x.",
      "A\u0301 ",
      "ſ'",
      "\u0e01\u0e31",
    );
    const tail = fc.string({ unit: fc.constantFrom(..."aZ '\n\t.1中😀\u0301", "'ll", "'S", "\r\n", "  "), maxLength: 12 });

    it.each(NAMES)("%s: exact whatever piece the window cuts", (name) => {
      const encoder = smallWindow.get(name)!;
      fc.assert(
        fc.property(fc.array(fc.tuple(filler, fc.integer({ min: 1, max: 40 }), tail), { minLength: 1, maxLength: 6 }), (parts) => {
          const text = parts.map(([unit, times, end]) => unit.repeat(times) + end).join("");
          const ids = reference(name, text);
          expect(encoder.encode(text)).toEqual(ids);
          expect(encoder.count(text)).toBe(ids.length);
        }),
        { numRuns: scale.runs(300) },
      );
    });

    it.each(NAMES)("%s: exact on pieces many windows long", (name) => {
      const encoder = smallWindow.get(name)!;
      for (const piece of ["a", "人", "\u0e01", "\uff76", " ", "😀", "\u0301", "ab", "1"]) {
        const text = `x ${piece.repeat(3_000)}.`;
        expect(encoder.encode(text)).toEqual(reference(name, text));
      }
    });

    it("counts a long mixed text exactly, several windows deep", () => {
      const text = Array.from({ length: 60_000 }, (_, i) => ["Hello", " 世界", "'re", " 42", "\n\n", "😀", "  x", "{}"][(i * 7) % 8]).join(
        "",
      );
      expect(getEncoder("o200k_base").count(text)).toBe(reference("o200k_base", text).length);
    });

    it("counts one piece of six windows without recursion (the regex overflowed its stack), and round-trips it", () => {
      const text = "人".repeat(400_000);
      const encoder = getEncoder("o200k_base");
      const ids = encoder.encode(text);
      expect(encoder.count(text)).toBe(ids.length);
      expect(encoder.decode(ids)).toBe(text);
    });
  });

  describe("encoder edges", () => {
    const o200k = getEncoder("o200k_base");

    it("never throws when counting, whatever it is given", () => {
      for (const value of [null, undefined, 42, {}, [], Symbol("x")]) {
        expect(o200k.count(value as never)).toBe(0);
        expect(o200k.encode(value as never)).toEqual([]);
      }
      expect(o200k.count("")).toBe(0);
    });

    it("encodes lone surrogates as U+FFFD, as TextEncoder and tiktoken do", () => {
      for (const text of ["\ud800", "a\udc00b", "\udc00\ud800", "x\ud83d"])
        expect(o200k.encode(text)).toEqual(reference("o200k_base", text));
    });

    it("follows tiktoken, not js-tiktoken, around U+0085 and U+FEFF", () => {
      for (const text of ["a \u0085b", "a \ufeff b", "x\u0085\u0085 y", "\ufeff\ufeff"]) {
        expect(o200k.encode(text)).toEqual(reference("o200k_base", text));
        expect(getEncoder("cl100k_base").encode(text)).toEqual(reference("cl100k_base", text));
      }
    });

    it("decodes special tokens and rejects ids outside the vocabulary", () => {
      expect(o200k.decode([199999])).toBe("<|endoftext|>");
      expect(getEncoder("o200k_harmony").decode([200006, 200008])).toBe("<|start|><|message|>");
      expect(() => o200k.decode([10_000_000])).toThrow(RangeError);
      expect(() => o200k.decode([-1])).toThrow(RangeError);
    });

    it("gives o200k_harmony the ids of o200k_base for ordinary text", () => {
      const text = "Harmony shares o200k_base's ranks. 你好";
      expect(getEncoder("o200k_harmony").encode(text)).toEqual(o200k.encode(text));
    });

    it("loads each encoding once per process", () => {
      expect(getEncoder("o200k_base")).toBe(o200k);
      expect(() => getEncoder("nope" as EncodingName)).toThrow(TypeError);
    });
  });

  /** Inputs that are cliffs for other tokenizers; `size` scales them (1 is the benchmark's full size). */
  const WORST_CASES: Array<[string, (size: number) => string]> = [
    ["repetitions of one letter", (size) => "a".repeat(100_000 * size)],
    [
      "Chinese characters without punctuation",
      (size) => Array.from({ length: 10_000 * size }, (_, i) => String.fromCodePoint(0x4e00 + ((i * 7919) % 20_000))).join(""),
    ],
    ["base64", (size) => Buffer.from(Array.from({ length: 75_000 * size }, (_, i) => (i * 131) % 256)).toString("base64")],
    ["digits", (size) => Array.from({ length: 100_000 * size }, (_, i) => String((i * 7) % 10)).join("")],
    ["whitespace runs", (size) => Array.from({ length: 20_000 * size }, (_, i) => " \t\n  ".slice(0, 1 + (i % 5))).join("")],
    ["emoji", (size) => "😀🎉🚀👍🔥".repeat(10_000 * size)],
    [
      "95-letter words, each new",
      (size) =>
        Array.from(
          { length: 1_042 * size },
          (_, i) => ` ${Array.from({ length: 95 }, (_, j) => "etaoinshrdlu"[(Math.imul(i * 95 + j, 2654435761) >>> 24) % 12]).join("")}`,
        ).join(""),
    ],
  ];

  describe("inputs that are cliffs for other tokenizers", () => {
    it.each(WORST_CASES)("%s: exact against tiktoken at a tenth of the size", (_, make) => {
      const text = make(0.1);
      for (const name of ["o200k_base", "cl100k_base"] as const) {
        expect(getEncoder(name).encode(text)).toEqual(reference(name, text));
      }
    });

    // full size: defined in the integration part only (not a skipped test in the unit part)
    if (scale.full) {
      it.each(WORST_CASES)("%s: full size finishes and round-trips", (_, make) => {
        const text = make(1);
        for (const name of ["o200k_base", "cl100k_base"] as const) {
          const ids = getEncoder(name).encode(text);
          expect(getEncoder(name).count(text)).toBe(ids.length);
          expect(getEncoder(name).decode(ids)).toBe(text);
        }
      });
    }
  });
}
