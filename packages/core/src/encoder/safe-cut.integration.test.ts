import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { getEncoder } from "../loader/index.js";
import { ENCODING_NAMES } from "./encodings.js";
import { hasCutRules, isSafeCut } from "./safe-cut.js";
import { ALPHABET, cutEncodings, ids, nemoStrings, strings } from "./safe-cut.test-helper.js";

// The exhaustive part of `safe-cut.test.ts`: every 4-symbol string of the alphabet, and long random runs.
describe("safe cuts, proven against each encoder's own pre-tokenizer (exhaustive)", () => {
  beforeAll(() => {
    cutEncodings();
  });

  for (const encoding of ENCODING_NAMES) {
    it(`${encoding}: at every cut the rule allows in every 4-symbol string, the halves' tokens are the whole's`, () => {
      let cuts = 0;
      for (const symbols of strings(4)) {
        const text = symbols.join("");
        // cut only between symbols: a cut inside a surrogate pair is checked in safe-cut.test.ts
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
    }, 300_000);

    if (!hasCutRules(encoding)) continue;
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
    }, 300_000);
  }

  it("mistral_nemo: never cuts inside an added token ([INST], </s>, <SPECIAL_14>), at any index of every 4-symbol string", () => {
    const nemo = getEncoder("mistral_nemo");
    let cuts = 0;
    for (const text of nemoStrings(4)) {
      for (let i = 2; i < text.length - 1; i++) {
        if (!isSafeCut(text, i, "mistral_nemo")) continue;
        cuts++;
        expect([...nemo.encode(text.slice(0, i)), ...nemo.encode(text.slice(i))], JSON.stringify([text, i])).toEqual(nemo.encode(text));
      }
    }
    expect(cuts).toBeGreaterThan(1000);
  }, 300_000);
});
