import { Readable } from "node:stream";
import { countTokens, ENCODING_NAMES, getEncoder, loadEncoding } from "@tokenledger/core";
import { hasCutRules } from "@tokenledger/core/internal";
import fc from "fast-check";
import { get_encoding, type TiktokenEncoding } from "tiktoken";
import { describe, expect, it } from "vitest";
import { countStream } from "./count-stream.js";

const pieces = [
  "\n",
  "\r\n",
  "\r",
  " ",
  "  ",
  "\t",
  "a",
  "word",
  " word",
  "Word",
  "'s",
  "'LL",
  "!",
  "?!\n",
  ".\n//",
  "//",
  "/",
  "\\",
  '{"a":"b",',
  "123",
  "4567",
  "½",
  "人工智能",
  " 上下文",
  "。",
  "é",
  "e\u0301",
  "🎉",
  "𝐀b",
  "\u00a0",
  "\u0085",
  "\u3000",
  "\ufeff",
  "x\n\n",
  ")",
  "的",
  "-->",
  " \n",
  "\t\n",
  "ǅ",
  "ʰ",
];
const textArb = fc.array(fc.constantFrom(...pieces), { maxLength: 80 }).map((p) => p.join(""));
/** The text's UTF-8 cut at random byte offsets, inside characters too. */
const chunked = textArb.chain((text) => {
  const bytes = Buffer.from(text);
  return fc.uniqueArray(fc.integer({ min: 1, max: Math.max(1, bytes.length - 1) }), { maxLength: 12 }).map((cuts) => ({
    text,
    chunks: [0, ...cuts.sort((a, b) => a - b), bytes.length].slice(1).map((end, i, ends) => bytes.subarray(i ? ends[i - 1] : 0, end)),
  }));
});

/**
 * The encodings whose streamed count can differ from counting the whole text at once: those
 * `lastSafeCut` ever cuts (`hasCutRules`). Any other is never cut except where `maxHeld` forces a
 * cut, which flags the count approximate, and then only bytes and characters are compared, which
 * no encoding changes: a property run over them cannot fail, so none is run.
 */
const STREAM_ENCODINGS = ENCODING_NAMES.filter(hasCutRules);
/**
 * The unit part: one encoding per OpenAI pre-tokenizer (o200k, cl100k, gpt2). mistral_nemo's cut
 * rules are checked against its encoder in core's `safe-cut.test.ts`; streaming it (loading 19 MB
 * of vocabulary first) is left to the integration part.
 */
const UNIT_ENCODINGS = ["o200k_base", "cl100k_base", "r50k_base"] as const;

/** The tests of `count-stream.test.ts` (`full` false: a few encodings, fewer runs) and `count-stream.integration.test.ts` (`full`). */
export function defineCountStreamTests(full: boolean): void {
  describe("countStream", () => {
    for (const encoding of full ? STREAM_ENCODINGS : UNIT_ENCODINGS) {
      it(`counts random texts in random chunks to countTokens of the whole (${encoding})`, async () => {
        // Open-weight encodings load their data from their npm package first.
        const encoder = await loadEncoding(encoding);
        await fc.assert(
          fc.asyncProperty(chunked, async ({ text, chunks }) => {
            const counted = await countStream(Readable.from(chunks), encoder, { maxHeld: 64 });
            if (!counted.approximate) expect(counted.tokens).toBe(countTokens(text, { encoding }));
            expect(counted.bytes).toBe(Buffer.byteLength(text));
            expect(counted.characters).toBe([...text].length);
            const whole = await countStream(Readable.from(chunks), encoder);
            expect(whole.approximate).toBe(false);
            expect(whole.tokens).toBe(countTokens(text, { encoding }));
          }),
          { numRuns: full ? 300 : 40 },
        );
      }, 300_000);
    }

    it("equals the reference tiktoken on long mixed text cut in 1 KB chunks", async () => {
      const text = fc.sample(textArb, { numRuns: 400, seed: 20 }).join("");
      for (const encoding of ["o200k_base", "cl100k_base", "p50k_base", "r50k_base"] as const) {
        const reference = get_encoding(encoding as TiktokenEncoding);
        const bytes = Buffer.from(text);
        const chunks = Array.from({ length: Math.ceil(bytes.length / 1024) }, (_, i) => bytes.subarray(i * 1024, (i + 1) * 1024));
        expect((await countStream(Readable.from(chunks), getEncoder(encoding))).tokens).toBe(reference.encode_ordinary(text).length);
        reference.free();
      }
    });

    it("bytes are the input's own, even when it is not valid UTF-8", async () => {
      const bytes = Buffer.from([0x68, 0x69, 0xff, 0xfe, 0xe4, 0xbd, 0x20, 0x6f, 0x6b, 0xc3]);
      const counted = await countStream(Readable.from([bytes]), getEncoder("o200k_base"));
      expect(counted.bytes).toBe(10);
      expect(counted.tokens).toBe(countTokens(bytes.toString("utf8")));
    });

    it("holds at most maxHeld characters with no safe cut, then cuts anyway and says the count is approximate", async () => {
      const chunks = Array.from({ length: 50 }, () => "a".repeat(1000));
      const counted = await countStream(Readable.from(chunks), getEncoder("o200k_base"), { maxHeld: 4000 });
      expect(counted.approximate).toBe(true);
      expect(counted.characters).toBe(50_000);
    });

    it("refuses an input whose head the check rejects, before decoding it", async () => {
      const stream = Readable.from([Buffer.from("text\0more")]);
      await expect(
        countStream(stream, getEncoder("o200k_base"), {
          checkHead: (head) => {
            if (head.includes(0)) throw new Error("binary");
          },
        }),
      ).rejects.toThrow("binary");
    });
  });
}
