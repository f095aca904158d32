import { ENCODING_NAMES, getEncoder, loadEncoding } from "@tokenledger/core";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { hasCutRules, isSafeCut, lastSafeCut } from "./safe-cut.js";

/**
 * One character of every class OpenAI's pre-tokenizers tell apart: each letter case class
 * (o200k splits on them), marks, numbers, the contraction letters, every kind of white space
 * (U+0085 is White_Space to tiktoken but not to JavaScript, U+FEFF the other way round), the
 * characters patterns name (`'`, `/`, `\r`, `\n`), other ASCII and CJK punctuation, astral
 * letters and emoji (surrogate pairs).
 */
const ALPHABET = [
  "A",
  "a",
  "s",
  "t",
  "l",
  "d",
  "ǅ",
  "ʰ",
  "人",
  "é",
  "\u0301",
  "𝐀",
  "1",
  "½",
  "٣",
  " ",
  "\t",
  "\n",
  "\r",
  "\u00a0",
  "\u0085",
  "\u3000",
  "\ufeff",
  "\u2028",
  "'",
  "/",
  ".",
  ",",
  '"',
  "-",
  "{",
  "\\",
  "。",
  "🎉",
  "\u0000",
];

const ids = (encoding: (typeof ENCODING_NAMES)[number], text: string) => getEncoder(encoding).encode(text);

/** Every string of `length` symbols of the alphabet. */
function* strings(length: number): Generator<string[]> {
  const at = new Array<number>(length).fill(0);
  for (;;) {
    yield at.map((i) => ALPHABET[i]!);
    let k = length - 1;
    while (k >= 0 && ++at[k]! === ALPHABET.length) at[k--] = 0;
    if (k < 0) return;
  }
}

describe("safe cuts, proven against each encoder's own pre-tokenizer", () => {
  // Open-weight encodings with cut rules (mistral_nemo) load their data first.
  beforeAll(async () => {
    for (const encoding of ENCODING_NAMES) if (hasCutRules(encoding)) await loadEncoding(encoding);
  }, 300_000);

  for (const encoding of ENCODING_NAMES) {
    it(`${encoding}: at every cut the rule allows in every 4-symbol string, the halves' tokens are the whole's`, () => {
      let cuts = 0;
      for (const symbols of strings(4)) {
        const text = symbols.join("");
        // cut only between symbols: a cut inside a surrogate pair is checked below
        for (let s = 1, i = symbols[0]!.length; s < symbols.length; i += symbols[s++]!.length) {
          if (!isSafeCut(text, i, encoding)) continue;
          cuts++;
          const whole = ids(encoding, text);
          expect([...ids(encoding, text.slice(0, i)), ...ids(encoding, text.slice(i))], JSON.stringify([text, i])).toEqual(whole);
        }
      }
      // an encoding added without proven rules is never cut (and so trivially exact)
      if (hasCutRules(encoding)) expect(cuts).toBeGreaterThan(1000);
      else expect(cuts).toBe(0);
    });

    it(`${encoding}: holds with random context of up to 8 symbols each side`, () => {
      const side = fc.array(fc.constantFrom(...ALPHABET), { maxLength: 8 }).map((s) => s.join(""));
      fc.assert(
        fc.property(
          side,
          fc.constantFrom(...ALPHABET),
          fc.constantFrom(...ALPHABET),
          fc.constantFrom(...ALPHABET),
          side,
          (left, b, c, d, right) => {
            const text = left + b + c + d + right;
            const i = left.length + b.length;
            if (!isSafeCut(text, i, encoding)) return;
            expect([...ids(encoding, text.slice(0, i)), ...ids(encoding, text.slice(i))]).toEqual(ids(encoding, text));
          },
        ),
        { numRuns: 20_000 },
      );
    });
  }

  it("mistral_nemo: never cuts inside an added token ([INST], </s>, <SPECIAL_14>), at any index of every 4-symbol string", () => {
    const parts = [
      "[INST]",
      "[/INST]",
      "</s>",
      "<SPECIAL_14>",
      "[TOOL_CALLS]",
      "[",
      "]",
      "<",
      ">",
      "_",
      "/",
      "T",
      "s",
      "4",
      " ",
      "\n",
      ".",
    ];
    const nemo = getEncoder("mistral_nemo");
    let cuts = 0;
    const at = [0, 0, 0, 0];
    for (;;) {
      const text = at.map((k) => parts[k]).join("");
      for (let i = 2; i < text.length - 1; i++) {
        if (!isSafeCut(text, i, "mistral_nemo")) continue;
        cuts++;
        expect([...nemo.encode(text.slice(0, i)), ...nemo.encode(text.slice(i))], JSON.stringify([text, i])).toEqual(nemo.encode(text));
      }
      let k = 3;
      while (k >= 0 && ++at[k]! === parts.length) at[k--] = 0;
      if (k < 0) break;
    }
    expect(cuts).toBeGreaterThan(1000);
    // o200k's rule 3 alone would cut these tokens in two.
    expect(isSafeCut("x[INST].", 6, "o200k_base")).toBe(true);
    expect(isSafeCut("x[INST].", 6, "mistral_nemo")).toBe(false);
  }, 300_000);

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
  });
});
