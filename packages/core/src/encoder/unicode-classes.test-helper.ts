import { get_encoding } from "tiktoken";
import { describe, expect, it } from "vitest";
import { getEncoder } from "../loader/index.js";
import type { TestScale } from "../test-scale.test-helper.js";

/** The tests of `unicode-classes.test.ts` (`UNIT`) and `unicode-classes.integration.test.ts` (`FULL`). */
export function defineUnicodeClassesTests(scale: TestScale): void {
  /**
   * Every assigned-or-not code point of planes 0-3 and 14. Planes 4-13 are unassigned and
   * 15-16 private use in every Unicode version.
   */
  function codePoints(): string[] {
    const all: string[] = [];
    // The unit part takes every 16th code point (every block still met), the integration part all of them.
    const stride = scale.full ? 1 : 16;
    for (let cp = 0; cp < 0x40000; cp += stride) if (cp < 0xd800 || cp > 0xdfff) all.push(String.fromCodePoint(cp));
    for (let cp = 0xe0000; cp < 0xe1000; cp += stride) all.push(String.fromCodePoint(cp));
    return all;
  }

  /**
   * Contexts where a character's Unicode class decides the split: a letter before a
   * contraction, a case change, a digit run, a run of punctuation or space, and every place of
   * a contraction (`(?i:'s|'t|'re|'ve|'m|'ll|'d)` folds case: U+017F is an `s` to it).
   */
  const contexts = (c: string) => [`${c}'sx`, `A${c}a1${c}`, ` ${c}${c}!\n${c} `, `a'${c}e'r${c}'l${c}`];

  const BATCH = 2_048;

  describe.each(["o200k_base", "cl100k_base", "r50k_base"] as const)("%s classifies every character as tiktoken does", (name) => {
    it("in letter, case, digit, punctuation, space and contraction contexts", () => {
      const ours = getEncoder(name);
      const ref = get_encoding(name);
      const same = (text: string) => {
        const a = ours.encode(text);
        const b = ref.encode_ordinary(text);
        return a.length === b.length && a.every((id, i) => id === b[i]);
      };
      const mismatches: string[] = [];
      const all = codePoints();
      // Many characters per call (a newline apart), then one by one only where a batch differs.
      for (let i = 0; i < all.length; i += BATCH) {
        const batch = all.slice(i, i + BATCH);
        if (same(batch.flatMap(contexts).join("\n"))) continue;
        for (const c of batch) if (!contexts(c).every(same)) mismatches.push(c.codePointAt(0)!.toString(16));
      }
      ref.free();
      expect(mismatches.slice(0, 20)).toEqual([]);
    }, 300_000);
  });
}
