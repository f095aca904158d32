/**
 * Hand-written pre-tokenization for ASCII text, equal to tiktoken's o200k and cl100k
 * regexes wherever it answers. It returns -1 ("ask the regex") as soon as a non-ASCII
 * character could change the split, so the regex stays the single source of truth
 * for everything else. Pieces are found without a regex call, which is most of the
 * cost of counting English and code.
 */
const OTHER = 0;
const UPPER = 1;
const LOWER = 2;
const DIGIT = 3;
const SPACE = 4;
const NEWLINE = 5;
const APOSTROPHE = 39;

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

export type AsciiPieceEnd = (text: string, start: number) => number;

export const ASCII_PIECE_END: Record<"o200k" | "cl100k", AsciiPieceEnd> = {
  o200k: (text, i) => pieceEnd(text, i, true),
  cl100k: (text, i) => pieceEnd(text, i, false),
};

function pieceEnd(text: string, i: number, o200k: boolean): number {
  const c = text.charCodeAt(i);
  if (c >= 128) return -1;
  const kind = CLASS[c]!;
  if (!o200k && c === APOSTROPHE) {
    const contraction = contractionLength(text, i);
    if (contraction > 0) return i + contraction;
  }
  if (kind === UPPER || kind === LOWER) return o200k ? casedWordEnd(text, i) : letterRunEnd(text, i);
  if (kind !== NEWLINE && kind !== DIGIT && i + 1 < text.length) {
    const next = text.charCodeAt(i + 1);
    if (next >= 128) return -1;
    const nextKind = CLASS[next]!;
    if (nextKind === UPPER || nextKind === LOWER) return o200k ? casedWordEnd(text, i + 1) : letterRunEnd(text, i + 1);
  }
  if (kind === DIGIT) return digitsEnd(text, i);
  if (kind === OTHER || (c === 32 && i + 1 < text.length && CLASS[text.charCodeAt(i + 1)]! === OTHER)) {
    return punctuationEnd(text, i, o200k);
  }
  return whitespaceEnd(text, i);
}

/** o200k: `[\p{Lu}..]*[\p{Ll}..]+|[\p{Lu}..]+[\p{Ll}..]*`, then an optional contraction. */
function casedWordEnd(text: string, start: number): number {
  let i = start;
  let c = text.charCodeAt(i);
  while (i < text.length && CLASS[c]! === UPPER) c = text.charCodeAt(++i);
  while (i < text.length && c < 128 && CLASS[c]! === LOWER) c = text.charCodeAt(++i);
  if (i < text.length && c >= 128) return -1;
  return i + contractionLength(text, i);
}

/** cl100k: `\p{L}+`. */
function letterRunEnd(text: string, start: number): number {
  let i = start;
  let c = text.charCodeAt(i);
  while (i < text.length && c < 128 && (CLASS[c]! === UPPER || CLASS[c]! === LOWER)) c = text.charCodeAt(++i);
  return i < text.length && c >= 128 ? -1 : i;
}

function digitsEnd(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length && i < start + 3) {
    const c = text.charCodeAt(i);
    if (c >= 128) return -1;
    if (CLASS[c]! !== DIGIT) break;
    i++;
  }
  return i;
}

/** ` ?[^\s\p{L}\p{N}]+[\r\n]*` (o200k also takes `/` in the tail). */
function punctuationEnd(text: string, start: number, o200k: boolean): number {
  let i = text.charCodeAt(start) === 32 ? start + 1 : start;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c >= 128) return -1;
    if (CLASS[c]! !== OTHER) break;
    i++;
  }
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c !== 10 && c !== 13 && !(o200k && c === 47)) break;
    i++;
  }
  return i;
}

/** `\s*[\r\n]+|\s+(?!\S)|\s+` over a run of ASCII whitespace. */
function whitespaceEnd(text: string, start: number): number {
  let end = start;
  let lastNewline = -1;
  while (end < text.length) {
    const c = text.charCodeAt(end);
    if (c >= 128) return -1;
    const kind = CLASS[c]!;
    if (kind === NEWLINE) lastNewline = end;
    else if (kind !== SPACE) break;
    end++;
  }
  if (lastNewline >= 0) return lastNewline + 1;
  if (end === text.length || end - start === 1) return end;
  return end - 1;
}

/** `(?i:'s|'t|'re|'ve|'m|'ll|'d)` at `i`, as a length (0 when absent). */
function contractionLength(text: string, i: number): number {
  if (text.charCodeAt(i) !== APOSTROPHE) return 0;
  const a = text.charCodeAt(i + 1) | 32;
  if (a === 115 || a === 116 || a === 109 || a === 100) return 2;
  const b = text.charCodeAt(i + 2) | 32;
  if ((a === 114 || a === 118) && b === 101) return 3;
  if (a === 108 && b === 108) return 3;
  return 0;
}
