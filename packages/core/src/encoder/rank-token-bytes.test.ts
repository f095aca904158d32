import fc from "fast-check";
import { get_encoding, type TiktokenEncoding } from "tiktoken";
import { describe, expect, it } from "vitest";
import { getEncoder } from "../loader/index.js";
import { OPENAI_ENCODING_NAMES } from "./encodings.js";

const text = fc
  .array(fc.constantFrom("鳗", "語", "猫", "人工智能", " ", "a", "é", "𝐀", "🎉", "👩‍💻", "\uFFFD", "x\n", "Ω"), { maxLength: 20 })
  .map((parts) => parts.join(""));

describe("Encoder.tokenBytes of the tiktoken encodings", () => {
  for (const encoding of ["cl100k_base", "o200k_base", "r50k_base"] as const) {
    it(`gives each token's bytes as the reference tiktoken has them (${encoding})`, () => {
      const reference = get_encoding(encoding as TiktokenEncoding);
      const encoder = getEncoder(encoding);
      try {
        fc.assert(
          fc.property(text, (t) => {
            const ids = encoder.encode(t);
            const expected = ids.map((id) => [...reference.decode_single_token_bytes(id)]);
            expect(ids.map((id) => [...encoder.tokenBytes(id)!])).toEqual(expected);
          }),
          { numRuns: 300 },
        );
      } finally {
        reference.free();
      }
    });
  }

  it("gives special tokens their names' bytes, a copy each time, and undefined outside the vocabulary", () => {
    // tiktoken 1.0.22 has no o200k_harmony: its chat tokens are checked below by name.
    for (const encoding of OPENAI_ENCODING_NAMES.filter((name) => name !== "o200k_harmony")) {
      const reference = get_encoding(encoding as TiktokenEncoding);
      const encoder = getEncoder(encoding);
      try {
        const endOfText = reference.encode("<|endoftext|>", "all")[0]!;
        expect(new TextDecoder().decode(encoder.tokenBytes(endOfText))).toBe("<|endoftext|>");
        expect([...encoder.tokenBytes(endOfText)!]).toEqual([...reference.decode_single_token_bytes(endOfText)]);
      } finally {
        reference.free();
      }
      for (const bad of [-1, 1.5, Number.NaN, 10_000_000]) expect(encoder.tokenBytes(bad)).toBeUndefined();
    }
    expect(new TextDecoder().decode(getEncoder("o200k_harmony").tokenBytes(200006))).toBe("<|start|>");
    const o200k = getEncoder("o200k_base");
    o200k.tokenBytes(0)![0] = 0;
    expect(o200k.decode([0])).toBe("!");
  });
});
