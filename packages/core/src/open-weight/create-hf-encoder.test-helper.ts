import { createRequire } from "node:module";
import { Tokenizer } from "@huggingface/tokenizers";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Encoder } from "../encoder/index.js";
import { OPEN_WEIGHT_ENCODING_NAMES, type OpenWeightEncodingName } from "../encoder/index.js";
import { openWeightPackage } from "../loader/index.js";
import type { TestScale } from "../test-scale.test-helper.js";
import { createHfEncoder } from "./create-hf-encoder.js";

/** The tests of `create-hf-encoder.test.ts` (`UNIT`) and `create-hf-encoder.integration.test.ts` (`FULL`). */
export function defineCreateHfEncoderTests(scale: TestScale): void {
  const require = createRequire(import.meta.url);
  // The unit part: a byte-level vocabulary with a normalizer (qwen3) and a SentencePiece-style one with byte fallback (gemma3).
  const FAMILIES = scale.pick<OpenWeightEncodingName>(OPEN_WEIGHT_ENCODING_NAMES, ["qwen3", "gemma3"]);

  /** Added-token texts of every family, so each family also meets the others' (as plain text). */
  const SPECIALS = [
    "<|eot_id|>",
    "<|begin_of_text|>",
    "<|start_header_id|>",
    "<|python_tag|>",
    "<|eom_id|>",
    "<|finetune_right_pad_id|>",
    "<|reserved_special_token_2|>",
    "<|im_start|>",
    "<|im_end|>",
    "<think>",
    "<tool_call>",
    "<｜User｜>",
    "<｜Assistant｜>",
    "<｜end▁of▁sentence｜>",
    "<start_of_turn>",
    "<end_of_turn>",
    "<bos>",
    "<unused7>",
    "[INST]",
    "[/INST]",
    "[AVAILABLE_TOOLS]",
    "[/AVAILABLE_TOOLS]",
    "[TOOL_CALLS]",
    "[TOOL_RESULTS]",
    "<s>",
    "</s>",
    "<SPECIAL_20>",
  ];

  const textLike = fc.oneof(
    fc.string({ unit: "grapheme", maxLength: 80 }),
    fc.string({ unit: "binary", maxLength: 60 }),
    fc.string({ unit: fc.constantFrom(..."aA zZ'sSt\n\r\t 1234.,!?/-_[]é中文字ſ\u0085\ufeff\u00a0\u3000😀▁\u0301ﬁ한국"), maxLength: 60 }),
    fc.string({
      unit: fc.constantFrom(
        ...SPECIALS,
        "don't",
        " I'LL",
        "Hello",
        " world",
        "  ",
        "\n\n",
        "\n\n\n",
        "▁▁",
        "\t",
        "123456",
        "人工智能",
        "こんにちは",
        "🙂",
        "e\u0301",
        '{"a": 1}',
      ),
      maxLength: 30,
    }),
  );

  describe.each(FAMILIES)("%s against @huggingface/tokenizers", (family) => {
    let ours: Encoder;
    let reference: Tokenizer | undefined;
    const expected = (text: string) => reference!.encode(text, { add_special_tokens: false }).ids;

    beforeAll(() => {
      const json = require(`${openWeightPackage(family)}/models/tokenizer.json`);
      const config = require(`${openWeightPackage(family)}/models/tokenizer_config.json`);
      ours = createHfEncoder(family, json);
      reference = new Tokenizer(json, config);
    }, 300_000);
    afterAll(() => {
      reference = undefined;
    });

    it("gives the same ids for arbitrary strings, added tokens included", () => {
      fc.assert(
        fc.property(textLike, (text) => {
          expect(ours.encode(text)).toEqual(expected(text));
        }),
        { numRuns: scale.runs(1500) },
      );
    });

    it("counts exactly the ids it encodes", () => {
      fc.assert(
        fc.property(textLike, (text) => {
          expect(ours.count(text)).toBe(ours.encode(text).length);
        }),
        { numRuns: scale.runs(300) },
      );
    });

    it("counts long texts between added tokens the same when they come again (the section cache)", () => {
      fc.assert(
        fc.property(fc.array(textLike, { minLength: 1, maxLength: 8 }), (parts) => {
          const text = parts.join("<|im_end|>");
          const ids = expected(text);
          expect(ours.count(text)).toBe(ids.length);
          expect(ours.count(text)).toBe(ids.length);
          expect(ours.count(`${text}<|eot_id|>${text}`)).toBe(expected(`${text}<|eot_id|>${text}`).length);
        }),
        { numRuns: scale.runs(200) },
      );
    });

    it("gives the same ids for long single pieces (the heap merge)", () => {
      for (const text of [
        "a".repeat(3000),
        "人工智能".repeat(700),
        `x${" ".repeat(2000)}y`,
        "😀".repeat(800),
        "abc def ".repeat(400),
        "1234567890".repeat(300),
        `${"=".repeat(2000)}//\r\n`,
        `.${"/".repeat(2000)}\n\r`,
        "Ab".repeat(1500),
      ]) {
        expect(ours.encode(text)).toEqual(expected(text));
      }
    });

    it("decodes what it encodes back to the tokenizer's normalized text", () => {
      fc.assert(
        fc.property(fc.string({ unit: "grapheme", maxLength: 60 }), (text) => {
          const normalized = family === "qwen3" ? text.normalize("NFC") : family === "gemma3" ? text.replaceAll("\u2581", " ") : text;
          expect(ours.decode(ours.encode(text))).toBe(normalized);
        }),
        { numRuns: scale.runs(300) },
      );
      // Runs of spaces are added tokens in Gemma ("▁▁" is one); random graphemes rarely hold two spaces.
      for (const text of ["  ", "a  b", "x    \n   y", "\t  \u2581 "]) {
        const normalized = family === "gemma3" ? text.replaceAll("\u2581", " ") : text;
        expect(ours.decode(ours.encode(text))).toBe(family === "qwen3" ? normalized.normalize("NFC") : normalized);
      }
    });

    it("encodes lone surrogates as the reference (U+FFFD's bytes: three byte-fallback tokens in Gemma)", () => {
      for (const text of ["\ud800", "a\ud800b", "\udc00x", "\ud800\ud800", "x\udbff", "\ud800😀\udfff", "▁\ud800▁"]) {
        expect(ours.encode(text)).toEqual(expected(text));
        expect(ours.count(text)).toBe(expected(text).length);
      }
    });

    it("decodes U+FEFF anywhere back as it was, as the reference decode does", () => {
      for (const text of ["\ufeff", "\ufeff\ufeff", "\ufeffx", "x\ufeff", "a\ufeffb", "\ufeff▁ a", "<bos>\ufeff<|im_end|>\ufeff"]) {
        const ids = ours.encode(text);
        const decoded = ours.decode(ids);
        expect(decoded).toBe(reference!.decode(ids, { skip_special_tokens: false }));
        expect(decoded).toBe(family === "gemma3" ? text.replaceAll("\u2581", " ") : text);
      }
    });

    it("throws a RangeError for an id outside the vocabulary", () => {
      expect(() => ours.decode([10_000_000])).toThrow(RangeError);
    });

    it("gives each token's bytes: joined, they are the UTF-8 of the tokenizer's normalized text", () => {
      fc.assert(
        fc.property(fc.string({ unit: "grapheme", maxLength: 60 }), (text) => {
          const normalized = family === "qwen3" ? text.normalize("NFC") : family === "gemma3" ? text.replaceAll("\u2581", " ") : text;
          const bytes = ours.encode(text).flatMap((id) => [...ours.tokenBytes(id)!]);
          expect(bytes).toEqual([...new TextEncoder().encode(normalized)]);
        }),
        { numRuns: scale.runs(300) },
      );
      expect(ours.tokenBytes(10_000_000)).toBeUndefined();
      expect(ours.tokenBytes(-1)).toBeUndefined();
    });
  });
}
