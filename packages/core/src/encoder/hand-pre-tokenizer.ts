import { CASELESS, charClasses, LOWER, MARK, NEWLINE, NUMBER, OTHER, SPACE, UPPER } from "./char-classes.js";

/**
 * OpenAI's pre-tokenizer regexes written out by hand over UTF-8 bytes, for every code
 * point (classes from `char-classes.ts`). Each function below follows its regex
 * alternative by alternative, including where the regex backtracks; `regex-pre-tokenizer.ts`
 * holds the regexes themselves, which the tests compare this with.
 *
 * o200k: `[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?`
 *   `|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|...)?`
 *   `|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+`
 * cl100k: `(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+`
 * gpt2 (r50k, p50k): `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`
 *
 * `(?i:...)` folds case as Rust's regex does: `'s` also matches `'ſ` (U+017F).
 */
export type PatternName = "o200k" | "cl100k" | "gpt2";

/**
 * A byte UTF-8 never holds. Put just past bytes that the text goes on after, it makes every
 * piece whose end depends on what follows answer -1, so a window's cut never changes a split.
 */
export const CUT = 0xff;

/** Finds the end (a byte offset) of the piece starting at byte `start` of `bytes[0..length)`, or -1 when it reaches a `CUT`. */
export type PieceEnd = (bytes: Uint8Array, length: number, start: number) => number;

const CUT_KIND = 8;
/**
 * What `charAt` answers at a `CUT`: its kind, one byte. A constant, not `CUT_KIND | 0x10` where
 * it is answered: a process meets its first cut long after V8 compiled `charAt`, and an
 * operation that has never run has no type feedback, so V8 threw the compiled scan away there.
 */
const CUT_CHAR = CUT_KIND | 0x10;
/** What `charAt` returns past the last byte: a kind of its own, of zero bytes. */
const END = 9;
const bit = (kind: number) => 1 << kind;
const CASED = bit(UPPER) | bit(LOWER) | bit(CASELESS) | bit(MARK);
const UPPER_CLASS = bit(UPPER) | bit(CASELESS) | bit(MARK);
const LOWER_CLASS = bit(LOWER) | bit(CASELESS) | bit(MARK);
const BOTH_CLASSES = bit(CASELESS) | bit(MARK);
const LETTER = bit(UPPER) | bit(LOWER) | bit(CASELESS);
/** `[^\s\p{L}\p{N}]`. */
const PUNCTUATION = bit(OTHER) | bit(MARK);
/** `[^\r\n\p{L}\p{N}]`. */
const PREFIX = bit(OTHER) | bit(MARK) | bit(SPACE);
const WHITESPACE = bit(SPACE) | bit(NEWLINE);
const APOSTROPHE = 39;

let kinds: Uint8Array = new Uint8Array(0);
/** ASCII characters as `charAt` packs them. */
const ASCII = new Uint8Array(128);

/** The piece finder of a pattern. The first call builds the class table. */
export function pieceEndFor(pattern: PatternName): PieceEnd {
  if (kinds.length === 0) {
    kinds = charClasses();
    for (let c = 0; c < 128; c++) ASCII[c] = kinds[c]! | 0x10;
  }
  return pattern === "o200k" ? o200kEnd : pattern === "cl100k" ? cl100kEnd : gpt2End;
}

/**
 * The cursor: byte offset `at`, and `units`, the UTF-16 length of the piece so far. Module
 * state, so that scanning allocates nothing; the pre-tokenizer is not reentrant.
 */
let at = 0;
let units = 0;

/** The UTF-16 length of the piece last found, so the caller can keep its place in the string. */
export const pieceUnits = (): number => units;

/** The character at byte `i`, packed as kind | byte length << 4. */
function charAt(b: Uint8Array, i: number, length: number): number {
  if (i >= length) return END;
  const c = b[i]!;
  if (c < 0x80) return ASCII[c]!;
  if (c < 0xe0) return kinds[((c & 0x1f) << 6) | (b[i + 1]! & 0x3f)]! | 0x20;
  if (c < 0xf0) return kinds[((c & 0x0f) << 12) | ((b[i + 1]! & 0x3f) << 6) | (b[i + 2]! & 0x3f)]! | 0x30;
  if (c === CUT) return CUT_CHAR;
  return kinds[((c & 0x07) << 18) | ((b[i + 1]! & 0x3f) << 12) | ((b[i + 2]! & 0x3f) << 6) | (b[i + 3]! & 0x3f)]! | 0x40;
}

/** Moves the cursor over the packed character `p`: four UTF-8 bytes are two UTF-16 units. */
function step(p: number): void {
  at += p >> 4;
  units += p >= 0x40 ? 2 : 1;
}

/** Moves the cursor over characters whose kind is in `mask`; returns the packed character that stopped it. */
function run(b: Uint8Array, length: number, mask: number): number {
  for (;;) {
    const p = charAt(b, at, length);
    if ((bit(p & 15) & mask) === 0) return p;
    step(p);
  }
}

const stoppedAtCut = (p: number) => (p & 15) === CUT_KIND;

/**
 * o200k's two word alternatives from the cursor: `U*L+`, else `U+L*`. When no lower-case
 * letter follows the upper-case run, `U*` backtracks to end the match just after the run's
 * last character that is in both classes. Returns 1, or 2 when only `U+L*` matched, or -1 at a cut.
 */
function casedWord(b: Uint8Array, length: number): number {
  let lastAt = -1;
  let lastUnits = 0;
  let p: number;
  for (;;) {
    p = charAt(b, at, length);
    const kind = bit(p & 15);
    if ((kind & UPPER_CLASS) === 0) break;
    step(p);
    if (kind & BOTH_CLASSES) {
      lastAt = at;
      lastUnits = units;
    }
  }
  if (stoppedAtCut(p)) return -1;
  if (bit(p & 15) & LOWER_CLASS) return stoppedAtCut(run(b, length, LOWER_CLASS)) ? -1 : 1;
  if (lastAt < 0) return 2;
  at = lastAt;
  units = lastUnits;
  return 1;
}

/** `'s|'t|'re|'ve|'m|'ll|'d` at the cursor (case-folded when `fold`): 1 and moves past it, 0 when absent, -1 at a cut. */
function contraction(b: Uint8Array, length: number, fold: boolean): number {
  if (at + 1 >= length || b[at] !== APOSTROPHE) return 0;
  const first = b[at + 1]!;
  if (first === CUT) return -1;
  const a = fold ? first | 32 : first;
  if (a === 115 || a === 116 || a === 109 || a === 100) {
    at += 2;
    units += 2;
    return 1;
  }
  if (fold && first === 0xc5 && b[at + 2] === 0xbf) {
    at += 3;
    units += 2;
    return 1;
  }
  if (a !== 114 && a !== 118 && a !== 108) return 0;
  if (at + 2 >= length) return 0;
  const second = b[at + 2]!;
  if (second === CUT) return -1;
  const e = fold ? second | 32 : second;
  if (e !== (a === 108 ? 108 : 101)) return 0;
  at += 3;
  units += 3;
  return 1;
}

/** `\p{N}{1,3}` from the cursor, which is past the first. */
function digits(b: Uint8Array, length: number): number {
  for (let n = 1; n < 3; n++) {
    const p = charAt(b, at, length);
    if (stoppedAtCut(p)) return -1;
    if ((p & 15) !== NUMBER) break;
    step(p);
  }
  return at;
}

/** `[^\s\p{L}\p{N}]+` from the cursor, then `[\r\n]*` (with `/` too for o200k) when `tail`. */
function punctuation(b: Uint8Array, length: number, tail: boolean, slash: boolean): number {
  if (stoppedAtCut(run(b, length, PUNCTUATION))) return -1;
  while (tail && at < length) {
    const c = b[at]!;
    if (c === CUT) return -1;
    if (c !== 10 && c !== 13 && !(slash && c === 47)) break;
    at++;
    units++;
  }
  return at;
}

/** `\s*[\r\n]+` (when `newlines`), else `\s+(?!\S)`, else `\s+`, from the cursor at the piece's start. */
function whitespace(b: Uint8Array, length: number, newlines: boolean): number {
  const start = at;
  let lastCharAt = start;
  let lastCharUnits = 0;
  let newlineAt = -1;
  let newlineUnits = 0;
  let p: number;
  for (;;) {
    p = charAt(b, at, length);
    const kind = p & 15;
    if ((bit(kind) & WHITESPACE) === 0) break;
    lastCharAt = at;
    lastCharUnits = units;
    step(p);
    if (kind === NEWLINE) {
      newlineAt = at;
      newlineUnits = units;
    }
  }
  if (stoppedAtCut(p)) return -1;
  if (newlines && newlineAt >= 0) {
    at = newlineAt;
    units = newlineUnits;
  } else if ((p & 15) !== END && lastCharAt > start) {
    at = lastCharAt;
    units = lastCharUnits;
  }
  return at;
}

/** Puts the cursor at `start` and returns the packed character there, or -1 at a cut. */
function begin(b: Uint8Array, length: number, start: number): number {
  at = start;
  units = 0;
  const p = charAt(b, start, length);
  return stoppedAtCut(p) ? -1 : p;
}

function o200kEnd(b: Uint8Array, length: number, start: number): number {
  const p = begin(b, length, start);
  if (p < 0) return -1;
  const kind = bit(p & 15);
  if (kind & LETTER) {
    if (casedWord(b, length) < 0) return -1;
    return contraction(b, length, true) < 0 ? -1 : at;
  }
  if (kind & PREFIX) {
    step(p);
    const next = charAt(b, at, length);
    if (stoppedAtCut(next)) return -1;
    if (bit(next & 15) & CASED) {
      const matched = casedWord(b, length);
      if (matched < 0) return -1;
      // `U*L+` without the prefix comes before `U+L*` with it: a mark is in both classes.
      if (matched === 2 && kind === bit(MARK)) {
        at = start;
        units = 0;
        step(p);
      }
      return contraction(b, length, true) < 0 ? -1 : at;
    }
    if (kind === bit(MARK)) return contraction(b, length, true) < 0 ? -1 : at;
    at = start;
    units = 0;
  }
  return numberPunctuationOrSpace(b, length, p, true, true);
}

function cl100kEnd(b: Uint8Array, length: number, start: number): number {
  const p = begin(b, length, start);
  if (p < 0) return -1;
  const kind = bit(p & 15);
  const contracted = contraction(b, length, true);
  if (contracted !== 0) return contracted < 0 ? -1 : at;
  if (kind & PREFIX) {
    const next = charAt(b, start + (p >> 4), length);
    if (stoppedAtCut(next)) return -1;
    if (bit(next & 15) & LETTER) {
      step(p);
      return stoppedAtCut(run(b, length, LETTER)) ? -1 : at;
    }
  }
  if (kind & LETTER) return stoppedAtCut(run(b, length, LETTER)) ? -1 : at;
  return numberPunctuationOrSpace(b, length, p, true, false);
}

/** `\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+` at the cursor, the piece's start, whose character is `p`. */
function numberPunctuationOrSpace(b: Uint8Array, length: number, p: number, newlines: boolean, slash: boolean): number {
  const kind = p & 15;
  if (kind === NUMBER) {
    step(p);
    return digits(b, length);
  }
  if (b[at] === 32) {
    const next = charAt(b, at + 1, length);
    if (stoppedAtCut(next)) return -1;
    if (bit(next & 15) & PUNCTUATION) {
      step(p);
      return punctuation(b, length, newlines, slash);
    }
  } else if (bit(kind) & PUNCTUATION) return punctuation(b, length, newlines, slash);
  return whitespace(b, length, newlines);
}

function gpt2End(b: Uint8Array, length: number, start: number): number {
  let p = begin(b, length, start);
  if (p < 0) return -1;
  const contracted = contraction(b, length, false);
  if (contracted !== 0) return contracted < 0 ? -1 : at;
  if (b[start] === 32) {
    const next = charAt(b, start + 1, length);
    if (stoppedAtCut(next)) return -1;
    if (bit(next & 15) & (LETTER | PUNCTUATION | bit(NUMBER))) {
      step(p);
      p = next;
    }
  }
  const kind = bit(p & 15);
  const mask = kind & LETTER ? LETTER : kind & PUNCTUATION ? PUNCTUATION : kind === bit(NUMBER) ? bit(NUMBER) : 0;
  if (mask === 0) return whitespace(b, length, false);
  return stoppedAtCut(run(b, length, mask)) ? -1 : at;
}
