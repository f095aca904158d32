import { CASELESS, charClasses, LOWER, NEWLINE, SPACE, UPPER } from "./char-classes.js";

/**
 * Where streamed text may be cut without changing its tokens. OpenAI's pre-tokenizers split
 * text into pieces with a regex that has no look-behind and looks at most one character ahead
 * (`\s+(?!\S)`), so a cut is safe when every pattern puts a piece boundary there whatever comes
 * before or after, and the piece before it does not end in white space that the look-ahead
 * would judge differently at the end of the text. Three such places, each checked on every
 * character class by `safe-cut.test.ts` and `safe-cut.integration.test.ts`:
 *
 * 1. before a letter that starts a line (`"\n" | "Word"`): a letter piece may take one leading
 *    character, but never a line break. For gpt2-style patterns (p50k, r50k) the character
 *    before the line break must not be white space, else `\s+(?!\S)` splits `" \n"` differently.
 * 2. before a space between a non-space and a letter (`"a" | " word"`): the space opens the
 *    letter's piece, and no piece runs from a non-space into a space.
 * 3. between an ASCII letter or digit and ASCII punctuation that no letter follows
 *    (`"b" | "\","`): the punctuation cannot be a letter piece's leading character, and only
 *    an apostrophe (`'s`) continues a letter piece. Covers JSON and minified code.
 *
 * Letters and white space are the pre-tokenizer's own classes (`char-classes.ts`: `\p{L}` and
 * Unicode White_Space at tiktoken's Unicode version), so the rules read characters as it does.
 *
 * Mistral NeMo's Tekken (`mistral_nemo`) splits with o200k's pattern less its contractions and
 * with single digits, so the same three hold; but its added tokens are matched in the text first,
 * and rule 3 could cut inside one after a letter or digit (`[INST|]`, `<s|>`, `<SPECIAL|_14>`):
 * there it never cuts before `]`, `>` or `_`. Rules 1 and 2 cut next to white space, which no
 * added token holds.
 */
type Family = "tiktoken" | "gpt2" | "tekken";

/** The encodings whose pre-tokenizer the rules are proven for; any other is never cut. */
const FAMILY: Readonly<Record<string, Family>> = {
  o200k_base: "tiktoken",
  o200k_harmony: "tiktoken",
  cl100k_base: "tiktoken",
  p50k_base: "gpt2",
  p50k_edit: "gpt2",
  r50k_base: "gpt2",
  gpt2: "gpt2",
  mistral_nemo: "tekken",
};

const classOf = (codePoint: number): number => charClasses()[codePoint]!;
const isSpace = (code: number): boolean => {
  const kind = classOf(code);
  return kind === SPACE || kind === NEWLINE;
};
const isAsciiLetter = (code: number): boolean => (code | 0x20) >= 97 && (code | 0x20) <= 122;
const isAsciiAlnum = (code: number): boolean => isAsciiLetter(code) || (code >= 48 && code <= 57);
/** ASCII punctuation other than the apostrophe, which opens contractions (`'s`). */
const isAsciiPunct = (code: number): boolean => code > 32 && code < 127 && code !== 39 && !isAsciiAlnum(code);

function isLetterAt(text: string, i: number): boolean {
  const kind = classOf(text.codePointAt(i)!);
  return kind === UPPER || kind === LOWER || kind === CASELESS;
}

/**
 * True when the cut rules are proven for `encoding`'s pre-tokenizer (otherwise text is never cut).
 *
 * @example
 * ```ts
 * hasCutRules("o200k_base"); // true
 * hasCutRules("llama3"); // false
 * ```
 */
export const hasCutRules = (encoding: string): boolean => FAMILY[encoding] !== undefined;

/**
 * True when `text` may be cut right before index `i` (1 < i < length - 1) under `encoding`'s pre-tokenizer.
 *
 * @example
 * ```ts
 * isSafeCut("see.\nNext", 5, "o200k_base"); // true: "see.\n" | "Next"
 * ```
 */
export function isSafeCut(text: string, i: number, encoding: string): boolean {
  const family = FAMILY[encoding];
  if (family === undefined || i < 2 || i >= text.length - 1) return false;
  const before = text.charCodeAt(i - 1);
  const at = text.charCodeAt(i);
  if (before === 10 || before === 13) return isLetterAt(text, i) && (family !== "gpt2" || !isSpace(text.charCodeAt(i - 2)));
  if (at === 32) return !isSpace(before) && isLetterAt(text, i + 1);
  if (family === "tekken" && (at === 93 || at === 62 || at === 95)) return false; // ] > _
  const after = text.charCodeAt(i + 1);
  return isAsciiAlnum(before) && isAsciiPunct(at) && after < 128 && !isAsciiLetter(after);
}

/**
 * The last index at or after `from` where `text` may be cut before, or -1.
 *
 * @example
 * ```ts
 * lastSafeCut("see.\nNext", "o200k_base"); // 5: "see.\n" | "Next"
 * lastSafeCut("see.\n//x", "o200k_base"); // 3: "see" | ".\n//x" (o200k joins ".\n//")
 * ```
 */
export function lastSafeCut(text: string, encoding: string, from = 2): number {
  if (FAMILY[encoding] === undefined) return -1;
  for (let i = text.length - 2; i >= Math.max(2, from); i--) if (isSafeCut(text, i, encoding)) return i;
  return -1;
}
