import { Readable } from "node:stream";
import { getEncoder } from "@tokenledger/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { countStream, lastSafeCut } from "./count-stream.js";

const pieces = [
  "\n",
  "\r\n",
  " ",
  "  ",
  "\t",
  "a",
  "word",
  " word",
  "Word",
  "'s",
  "!",
  "?!\n",
  "123",
  "4567",
  "人工智能",
  " 上下文",
  "é",
  "🎉",
  "\u00a0",
  "\u3000",
  "x\n\n",
  ")",
  "的",
];
const textArb = fc.array(fc.constantFrom(...pieces), { maxLength: 60 }).map((p) => p.join(""));

describe("cutting text for streaming", () => {
  for (const name of ["o200k_base", "cl100k_base"] as const) {
    it(`never changes the count at the cut it chooses (${name})`, () => {
      const encoder = getEncoder(name);
      fc.assert(
        fc.property(textArb, (text) => {
          const cut = lastSafeCut(text);
          if (cut <= 0) return;
          expect(encoder.count(text.slice(0, cut)) + encoder.count(text.slice(cut))).toBe(encoder.count(text));
        }),
        { numRuns: 2000 },
      );
    });
  }

  it("counts a stream in arbitrary chunks to the same total as the whole text", async () => {
    const encoder = getEncoder("o200k_base");
    await fc.assert(
      fc.asyncProperty(fc.array(textArb, { minLength: 1, maxLength: 8 }), async (chunks) => {
        const whole = chunks.join("");
        const counted = await countStream(Readable.from(chunks.map((c) => Buffer.from(c))), encoder);
        expect(counted.tokens).toBe(encoder.count(whole));
        expect(counted.bytes).toBe(Buffer.byteLength(whole));
        expect(counted.characters).toBe([...whole].length);
      }),
      { numRuns: 300 },
    );
  });
});
