// For tests of `safe-cut.ts`: the alphabet of character classes its rules are checked on, and
// the encoders they are checked against (mistral_nemo's data registered from its npm package).
import { getEncoder } from "../loader/index.js";
import { registerPackage } from "../open-weight/register-package.test-helper.js";
import { ENCODING_NAMES, type EncodingName } from "./encodings.js";
import { hasCutRules } from "./safe-cut.js";

/**
 * One character of every class OpenAI's pre-tokenizers tell apart: each letter case class
 * (o200k splits on them), marks, numbers, the contraction letters, every kind of white space
 * (U+0085 is White_Space to tiktoken but not to JavaScript, U+FEFF the other way round), the
 * characters patterns name (`'`, `/`, `\r`, `\n`), other ASCII and CJK punctuation, astral
 * letters and emoji (surrogate pairs).
 */
export const ALPHABET = [
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

/** The ids of `text` under `encoding`. */
export const ids = (encoding: EncodingName, text: string): number[] => getEncoder(encoding).encode(text);

/** Every string of `length` symbols of the alphabet. */
export function* strings(length: number): Generator<string[]> {
  const at = new Array<number>(length).fill(0);
  for (;;) {
    yield at.map((i) => ALPHABET[i]!);
    let k = length - 1;
    while (k >= 0 && ++at[k]! === ALPHABET.length) at[k--] = 0;
    if (k < 0) return;
  }
}

/** The encodings with cut rules, their data loaded. */
export function cutEncodings(): EncodingName[] {
  registerPackage("mistral_nemo");
  return ENCODING_NAMES.filter(hasCutRules);
}

/** Parts of mistral_nemo's added tokens and what surrounds them, for the checks that no cut splits one. */
export const NEMO_PARTS = [
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

/** Every string of `length` of `NEMO_PARTS`. */
export function* nemoStrings(length: number): Generator<string> {
  const at = new Array<number>(length).fill(0);
  for (;;) {
    yield at.map((k) => NEMO_PARTS[k]).join("");
    let k = length - 1;
    while (k >= 0 && ++at[k]! === NEMO_PARTS.length) at[k--] = 0;
    if (k < 0) return;
  }
}
