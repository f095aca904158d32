import { classRanges, WHITE_SPACE_RANGES } from "./char-classes.js";
import type { PatternName } from "./hand-pre-tokenizer.js";
import { UNICODE_CLASSES } from "./unicode-classes.js";

/**
 * OpenAI's pre-tokenizer regexes in JavaScript. The encoder does not use them (the hand
 * pre-tokenizer is exact for every code point and much faster); tests compare the two.
 */

type ClassName = keyof typeof UNICODE_CLASSES;
type Classes = Record<ClassName, string>;

/** Unicode White_Space as a class body: JavaScript's `\s` lacks U+0085 and adds U+FEFF, so js-tiktoken splits around them unlike OpenAI. */
export const WHITE_SPACE = WHITE_SPACE_RANGES.map(([from, to]) => (from === to ? hex(from) : `${hex(from)}-${hex(to)}`)).join("");
/** `(?i:'s|'t|'re|'ve|'m|'ll|'d)` without inline flags, which Node 20 lacks; Rust's case folding also takes `ſ` (U+017F) for `s`. */
const CONTRACTION = "'(?:[sS\\u017f]|[tT]|[rR][eE]|[vV][eE]|[mM]|[lL][lL]|[dD])";
const WHITESPACE_TAIL = `[${WHITE_SPACE}]*[\\r\\n]+|[${WHITE_SPACE}]+(?![^${WHITE_SPACE}])|[${WHITE_SPACE}]+`;

const PATTERNS: Record<PatternName, (c: Classes) => string> = {
  o200k: (c: Classes) => {
    const upper = `[${c.Lu}${c.Lt}${c.Lm}${c.Lo}${c.M}]`;
    const lower = `[${c.Ll}${c.Lm}${c.Lo}${c.M}]`;
    const prefix = `[^\\r\\n${c.L}${c.N}]?`;
    return [
      `${prefix}${upper}*${lower}+(?:${CONTRACTION})?`,
      `${prefix}${upper}+${lower}*(?:${CONTRACTION})?`,
      `[${c.N}]{1,3}`,
      ` ?[^${WHITE_SPACE}${c.L}${c.N}]+[\\r\\n/]*`,
      WHITESPACE_TAIL,
    ].join("|");
  },
  cl100k: (c: Classes) =>
    [CONTRACTION, `[^\\r\\n${c.L}${c.N}]?[${c.L}]+`, `[${c.N}]{1,3}`, ` ?[^${WHITE_SPACE}${c.L}${c.N}]+[\\r\\n]*`, WHITESPACE_TAIL].join(
      "|",
    ),
  gpt2: (c: Classes) =>
    [
      "'s|'t|'re|'ve|'m|'ll|'d",
      ` ?[${c.L}]+`,
      ` ?[${c.N}]+`,
      ` ?[^${WHITE_SPACE}${c.L}${c.N}]+`,
      `[${WHITE_SPACE}]+(?![^${WHITE_SPACE}])|[${WHITE_SPACE}]+`,
    ].join("|"),
};

function hex(cp: number): string {
  return `\\u{${cp.toString(16)}}`;
}

const ENGINE_CLASSES: Classes = {
  L: "\\p{L}",
  Lu: "\\p{Lu}",
  Ll: "\\p{Ll}",
  Lt: "\\p{Lt}",
  Lm: "\\p{Lm}",
  Lo: "\\p{Lo}",
  M: "\\p{M}",
  N: "\\p{N}",
};

/**
 * Characters the JavaScript engine classes as letters, marks or numbers but tiktoken
 * does not (assigned in a newer Unicode version), or `undefined` when the engine
 * lacks some character tiktoken knows (an older engine), so its classes cannot be used.
 */
function engineOnlyCharacters(): RegExp | undefined {
  const reference = `${UNICODE_CLASSES.L}${UNICODE_CLASSES.M}${UNICODE_CLASSES.N}`;
  try {
    const missing = new RegExp(`[[${reference}]--[\\p{L}\\p{M}\\p{N}]]`, "v");
    if (missing.test(allCharacters(reference))) return undefined;
    return new RegExp(`[[\\p{L}\\p{M}\\p{N}]--[${reference}]]`, "v");
  } catch {
    return undefined;
  }
}

function allCharacters(classBody: string): string {
  const parts: string[] = [];
  for (const [first, last] of classRanges(classBody)) for (let cp = first; cp <= last; cp++) parts.push(String.fromCodePoint(cp));
  return parts.join("");
}

let engineOnly: RegExp | undefined | null = null;

/**
 * Returns a function that picks, for a text, a sticky regex whose `test()` advances
 * `lastIndex` to the end of the next piece (every position starts some alternative).
 * The engine's own `\p{..}` classes compile to fast native code; tiktoken's classes
 * spelled out as ranges are exact on every engine but several times slower, so they
 * are used only for texts holding a character the two disagree on.
 */
export function createPieceScanner(pattern: PatternName): (text: string) => RegExp {
  if (engineOnly === null) engineOnly = engineOnlyCharacters();
  const exact = new RegExp(PATTERNS[pattern](UNICODE_CLASSES), "uy");
  const disagreement = engineOnly;
  if (!disagreement) return () => exact;
  const fast = new RegExp(PATTERNS[pattern](ENGINE_CLASSES), "uy");
  return (text) => (disagreement.test(text) ? exact : fast);
}
