import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { getEncoder } from "../loader/index.js";
import { ENCODING_NAMES, type EncodingName, OPENAI_ENCODING_NAMES } from "./encodings.js";
import { hasCutRules, isSafeCut, lastSafeCut } from "./safe-cut.js";
import { ALPHABET, cutEncodings, ids, nemoStrings } from "./safe-cut.test-helper.js";

// The fast part; `safe-cut.integration.test.ts` checks every 4-symbol string and long random runs.
describe("safe cuts, proven against each encoder's own pre-tokenizer", () => {
  let withRules: EncodingName[] = [];
  beforeAll(() => {
    withRules = cutEncodings();
  });

  it("cut rules are proven for OpenAI's encodings and mistral_nemo only", () => {
    expect(withRules).toEqual([...OPENAI_ENCODING_NAMES, "mistral_nemo"]);
  });

  it("at every cut the rule allows, with random context of up to 8 symbols each side, the halves' tokens are the whole's", () => {
    const side = fc.array(fc.constantFrom(...ALPHABET), { maxLength: 8 }).map((s) => s.join(""));
    let cuts = 0;
    fc.assert(
      fc.property(
        fc.constantFrom(...withRules),
        side,
        fc.constantFrom(...ALPHABET),
        fc.constantFrom(...ALPHABET),
        fc.constantFrom(...ALPHABET),
        side,
        (encoding, left, b, c, d, right) => {
          const text = left + b + c + d + right;
          const i = left.length + b.length;
          if (!isSafeCut(text, i, encoding)) return;
          cuts++;
          expect([...ids(encoding, text.slice(0, i)), ...ids(encoding, text.slice(i))]).toEqual(ids(encoding, text));
        },
      ),
      { numRuns: 4_000 },
    );
    expect(cuts).toBeGreaterThan(50);
  });

  it("mistral_nemo: never cuts inside an added token ([INST], </s>, <SPECIAL_14>), at any index of every 3-symbol string", () => {
    const nemo = getEncoder("mistral_nemo");
    let cuts = 0;
    for (const text of nemoStrings(3)) {
      for (let i = 2; i < text.length - 1; i++) {
        if (!isSafeCut(text, i, "mistral_nemo")) continue;
        cuts++;
        expect([...nemo.encode(text.slice(0, i)), ...nemo.encode(text.slice(i))], JSON.stringify([text, i])).toEqual(nemo.encode(text));
      }
    }
    expect(cuts).toBeGreaterThan(100);
    // o200k's rule 3 alone would cut these tokens in two.
    expect(isSafeCut("x[INST].", 6, "o200k_base")).toBe(true);
    expect(isSafeCut("x[INST].", 6, "mistral_nemo")).toBe(false);
  });

  it("never cuts inside a surrogate pair", () => {
    const text = "a𝐀 b🎉,1\n𝐀x";
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (code >= 0xdc00 && code <= 0xdfff) for (const e of ENCODING_NAMES) expect(isSafeCut(text, i, e)).toBe(false);
    }
  });

  it("the issue's case: o200k joins punctuation, line breaks and slashes", () => {
    const text = "see.\n//comment";
    const o200k = getEncoder("o200k_base");
    expect(o200k.count(text)).toBe(3);
    expect(o200k.count("see.\n") + o200k.count("//comment")).toBe(4);
    expect(isSafeCut(text, 5, "o200k_base")).toBe(false);
    expect(lastSafeCut(text, "o200k_base")).toBe(3);
    expect(o200k.count("see") + o200k.count(".\n//comment")).toBe(3);
    expect(lastSafeCut("see.\nNext line", "o200k_base")).toBe(9); // before " line"
    expect(lastSafeCut("see.\nNext", "o200k_base", 0)).toBe(5); // before "Next"
    expect(lastSafeCut('{"a":"b","c":1}', "cl100k_base")).toBe(11); // "c" | ":1}"
  });

  it("an encoding the rules are not proven for is never cut", () => {
    expect(lastSafeCut("one two\nthree four", "some_future_encoding")).toBe(-1);
    for (const encoding of ENCODING_NAMES.filter((e) => !hasCutRules(e))) {
      expect(lastSafeCut('one two\nthree four, {"a":1}\nNext', encoding)).toBe(-1);
    }
  });
});
