import { get_encoding } from "tiktoken";
import { describe, expect, it } from "vitest";
import { getEncoder } from "./get-encoder.js";

/**
 * Every assigned-or-not code point of planes 0-3 and 14, in contexts where its Unicode
 * class decides the split (letter before a contraction, case change, digit run, a run of
 * punctuation or space). Planes
 * 4-13 are unassigned and 15-16 private use in every Unicode version.
 */
function* codePoints(): Generator<string> {
  for (let cp = 0; cp < 0x40000; cp++) if (cp < 0xd800 || cp > 0xdfff) yield String.fromCodePoint(cp);
  for (let cp = 0xe0000; cp < 0xe1000; cp++) yield String.fromCodePoint(cp);
}

describe.each(["o200k_base", "cl100k_base"] as const)("%s classifies every character as tiktoken does", (name) => {
  it("in letter, case, digit, punctuation and space contexts", () => {
    const ours = getEncoder(name);
    const ref = get_encoding(name);
    const mismatches: string[] = [];
    for (const c of codePoints()) {
      for (const text of [`${c}'sx`, `A${c}a1${c}`, ` ${c}${c}!\n${c} `]) {
        const a = ours.encode(text);
        const b = ref.encode_ordinary(text);
        if (a.length !== b.length || a.some((id, i) => id !== b[i])) mismatches.push(c.codePointAt(0)!.toString(16));
      }
    }
    ref.free();
    expect(mismatches.slice(0, 20)).toEqual([]);
  });
});
