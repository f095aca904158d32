import { getEncoder } from "@tokenledger/core";
import fc from "fast-check";
import { get_encoding, type TiktokenEncoding } from "tiktoken";
import { describe, expect, it } from "vitest";
import { showBytes, tokenBytes } from "./token-bytes.js";

const text = fc
  .array(fc.constantFrom("鳗", "語", "猫", "人工智能", " ", "a", "é", "𝐀", "🎉", "👩‍💻", "\uFFFD", "x\n", "Ω"), { maxLength: 20 })
  .map((parts) => parts.join(""));

describe("tokenBytes", () => {
  for (const encoding of ["cl100k_base", "o200k_base", "r50k_base"] as const) {
    it(`finds each token's bytes as the reference tiktoken has them (${encoding})`, () => {
      const reference = get_encoding(encoding as TiktokenEncoding);
      const encoder = getEncoder(encoding);
      try {
        fc.assert(
          fc.property(text, (t) => {
            const ids = encoder.encode(t);
            const expected = ids.map((id) => [...reference.decode_single_token_bytes(id)]);
            expect(tokenBytes(encoder, t, ids).map((b) => [...b])).toEqual(expected);
          }),
          { numRuns: 300 },
        );
      } finally {
        reference.free();
      }
    });
  }
});

describe("showBytes", () => {
  it("shows whole characters as text and the rest as hex bytes", () => {
    expect(showBytes(Uint8Array.from([0xe4, 0xbd]))).toBe("<0xE4 0xBD>");
    expect(showBytes(Uint8Array.from([0x20, 0xe8, 0xaa]))).toBe(" <0xE8 0xAA>");
    expect(showBytes(new TextEncoder().encode("naïve"))).toBe("naïve");
    expect(showBytes(Uint8Array.from([0x9e, 0x61]))).toBe("<0x9E>a");
  });
});
