/**
 * Hand-written pre-tokenization over UTF-8 bytes, equal to tiktoken's o200k and cl100k
 * regexes wherever it answers: ASCII, and the characters of `BOTH_CASES` and
 * `PUNCTUATION` (CJK, kana, Hangul, their punctuation, emoji). It returns -1 ("ask the
 * regex") as soon as any other character could change the split, so the regex stays the
 * single source of truth for everything else. Pieces are found without a regex call,
 * which is most of the cost of counting.
 */
const OTHER = 0;
const UPPER = 1;
const LOWER = 2;
const DIGIT = 3;
const SPACE = 4;
const NEWLINE = 5;
/** A letter in both of o200k's case classes (`\p{Lo}`), as every ideograph is. */
const BOTH = 6;
const UNKNOWN = 7;
const APOSTROPHE = 39;
/**
 * A byte UTF-8 never holds. Put just past bytes that the text goes on after, it makes every
 * piece whose end depends on what follows answer -1, so a window's cut never changes a split.
 */
export const CUT = 0xff;

const CLASS = (() => {
  const table = new Uint8Array(128);
  for (let c = 65; c <= 90; c++) table[c] = UPPER;
  for (let c = 97; c <= 122; c++) table[c] = LOWER;
  for (let c = 48; c <= 57; c++) table[c] = DIGIT;
  for (const c of [9, 11, 12, 32]) table[c] = SPACE;
  table[10] = NEWLINE;
  table[13] = NEWLINE;
  return table;
})();

/** Code point ranges (inclusive) of `\p{Lo}` letters: CJK ideographs, hiragana, katakana, Hangul syllables. */
export const BOTH_CASES: ReadonlyArray<readonly [number, number]> = [
  [0x3041, 0x3096],
  [0x30a1, 0x30fa],
  [0x4e00, 0x9fff],
  [0xac00, 0xd7a3],
];

/** Code point ranges of the Basic Multilingual Plane that are neither letter, number nor space: CJK and general punctuation, fullwidth forms. */
export const PUNCTUATION: ReadonlyArray<readonly [number, number]> = [
  [0x2010, 0x2027],
  [0x2030, 0x205e],
  [0x3001, 0x3004],
  [0x3008, 0x3020],
  [0xff01, 0xff0f],
  [0xff1a, 0xff20],
  [0xff3b, 0xff40],
  [0xff5b, 0xff65],
];

/** Pictographs and emoji: symbols, so punctuation to the regex. */
export const EMOJI = [0x1f300, 0x1faff] as const;

const WIDE = (() => {
  const table = new Uint8Array(0x10000).fill(UNKNOWN);
  for (const [from, to] of BOTH_CASES) table.fill(BOTH, from, to + 1);
  for (const [from, to] of PUNCTUATION) table.fill(OTHER, from, to + 1);
  return table;
})();

/** The class of the non-ASCII character whose UTF-8 starts at `bytes[i]`, in the low byte, and its byte length above. */
function wideKind(bytes: Uint8Array, i: number): number {
  const c = bytes[i]!;
  if (c >= 0xe0 && c < 0xf0) return (3 << 8) | WIDE[((c & 0x0f) << 12) | ((bytes[i + 1]! & 0x3f) << 6) | (bytes[i + 2]! & 0x3f)]!;
  if (c >= 0xf0 && c < CUT) {
    const cp = ((c & 0x07) << 18) | ((bytes[i + 1]! & 0x3f) << 12) | ((bytes[i + 2]! & 0x3f) << 6) | (bytes[i + 3]! & 0x3f);
    if (cp >= EMOJI[0] && cp <= EMOJI[1]) return (4 << 8) | OTHER;
  }
  return (1 << 8) | UNKNOWN;
}

/** The end of the piece starting at byte `start` of `bytes[0..length)`, or -1. */
export type PieceEnd = (bytes: Uint8Array, length: number, start: number) => number;

export const PIECE_END: Record<"o200k" | "cl100k", PieceEnd> = {
  o200k: (bytes, length, i) => pieceEnd(bytes, length, i, true),
  cl100k: (bytes, length, i) => pieceEnd(bytes, length, i, false),
};

let wideChars = 0;

/**
 * How many characters of three or four UTF-8 bytes the last piece found holds: each is two
 * bytes more than its UTF-16 length, so the caller can keep its place in the string.
 */
export const wideCharsOfLastPiece = (): number => wideChars;

function pieceEnd(bytes: Uint8Array, length: number, i: number, o200k: boolean): number {
  wideChars = 0;
  const c = bytes[i]!;
  const packed = c < 128 ? (1 << 8) | CLASS[c]! : wideKind(bytes, i);
  const kind = packed & 0xff;
  if (kind === UNKNOWN) return -1;
  if (!o200k && c === APOSTROPHE) {
    const contraction = contractionLength(bytes, length, i);
    if (contraction !== 0) return contraction < 0 ? -1 : i + contraction;
  }
  if (kind === UPPER || kind === LOWER || kind === BOTH) return o200k ? casedWordEnd(bytes, length, i) : letterRunEnd(bytes, length, i);
  const next = i + (packed >> 8);
  let nextKind = UNKNOWN;
  if (next < length) {
    const d = bytes[next]!;
    nextKind = d < 128 ? CLASS[d]! : wideKind(bytes, next) & 0xff;
    if (nextKind === UNKNOWN) return -1;
  }
  if (kind !== NEWLINE && kind !== DIGIT && (nextKind === UPPER || nextKind === LOWER || nextKind === BOTH)) {
    if (c >= 128) wideChars++;
    return o200k ? casedWordEnd(bytes, length, next) : letterRunEnd(bytes, length, next);
  }
  if (kind === DIGIT) return digitsEnd(bytes, length, i);
  if (kind === OTHER || (c === 32 && nextKind === OTHER)) return punctuationEnd(bytes, length, i, o200k);
  return whitespaceEnd(bytes, length, i);
}

/**
 * o200k: `[\p{Lu}..]*[\p{Ll}..]+|[\p{Lu}..]+[\p{Ll}..]*`, then an optional contraction.
 * A `BOTH` letter fits either class, so when no lower-case letter follows the upper-case
 * run, the first alternative backtracks to end just after the run's last `BOTH` letter.
 */
function casedWordEnd(bytes: Uint8Array, length: number, start: number): number {
  const upperEnd = runEnd(bytes, length, start, UPPER, UPPER, BOTH);
  let i = upperEnd < 0 ? -1 : runEnd(bytes, length, upperEnd, LOWER, LOWER, BOTH);
  if (i < 0) return -1;
  if (i === upperEnd) {
    let lastBothEnd = upperEnd;
    while (lastBothEnd > start && bytes[lastBothEnd - 1]! < 128) lastBothEnd--;
    if (lastBothEnd > start) i = lastBothEnd;
  }
  const contraction = contractionLength(bytes, length, i);
  return contraction < 0 ? -1 : i + contraction;
}

/** cl100k: `\p{L}+`. */
function letterRunEnd(bytes: Uint8Array, length: number, start: number): number {
  return runEnd(bytes, length, start, UPPER, LOWER, BOTH);
}

/**
 * The end of the run from `i` of ASCII characters of class `a` or `b` and wider ones of class
 * `wide`, or -1 when a character of unknown class ends it.
 */
function runEnd(bytes: Uint8Array, length: number, i: number, a: number, b: number, wide: number): number {
  while (i < length) {
    const c = bytes[i]!;
    if (c < 128) {
      const kind = CLASS[c]!;
      if (kind !== a && kind !== b) return i;
      i++;
    } else {
      const packed = wideKind(bytes, i);
      const kind = packed & 0xff;
      if (kind === UNKNOWN) return -1;
      if (kind !== wide) return i;
      i += packed >> 8;
      wideChars++;
    }
  }
  return i;
}

function digitsEnd(bytes: Uint8Array, length: number, start: number): number {
  let i = start + 1;
  while (i < length && i < start + 3) {
    const c = bytes[i]!;
    if (c >= 128) return (wideKind(bytes, i) & 0xff) === UNKNOWN ? -1 : i;
    if (CLASS[c]! !== DIGIT) break;
    i++;
  }
  return i;
}

/** ` ?[^\s\p{L}\p{N}]+[\r\n]*` (o200k also takes `/` in the tail). */
function punctuationEnd(bytes: Uint8Array, length: number, start: number, o200k: boolean): number {
  let i = runEnd(bytes, length, bytes[start] === 32 ? start + 1 : start, OTHER, OTHER, OTHER);
  if (i < 0) return -1;
  while (i < length) {
    const c = bytes[i]!;
    if (c === CUT) return -1;
    if (c !== 10 && c !== 13 && !(o200k && c === 47)) break;
    i++;
  }
  return i;
}

/** `\s*[\r\n]+|\s+(?!\S)|\s+` over a run of ASCII whitespace. */
function whitespaceEnd(bytes: Uint8Array, length: number, start: number): number {
  let end = start;
  let lastNewline = -1;
  while (end < length) {
    const c = bytes[end]!;
    if (c >= 128) {
      if ((wideKind(bytes, end) & 0xff) === UNKNOWN) return -1;
      break;
    }
    const kind = CLASS[c]!;
    if (kind === NEWLINE) lastNewline = end;
    else if (kind !== SPACE) break;
    end++;
  }
  if (lastNewline >= 0) return lastNewline + 1;
  if (end === length || end - start === 1) return end;
  return end - 1;
}

/** `(?i:'s|'t|'re|'ve|'m|'ll|'d)` at `i`, as a length (0 when absent, -1 at a cut). */
function contractionLength(bytes: Uint8Array, length: number, i: number): number {
  if (i + 1 >= length || bytes[i]! !== APOSTROPHE) return 0;
  if (bytes[i + 1] === CUT) return -1;
  const a = bytes[i + 1]! | 32;
  if (a === 115 || a === 116 || a === 109 || a === 100) return 2;
  if (i + 2 >= length) return 0;
  if (bytes[i + 2] === CUT) return -1;
  const b = bytes[i + 2]! | 32;
  if ((a === 114 || a === 118) && b === 101) return 3;
  if (a === 108 && b === 108) return 3;
  return 0;
}
