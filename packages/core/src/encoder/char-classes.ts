import { UNICODE_CLASSES } from "./unicode-classes.js";

/**
 * The class of every code point as OpenAI's pre-tokenizer regexes see it, at the Unicode
 * version of tiktoken's Rust regex (`unicode-classes.ts`). The classes are disjoint.
 */
export const OTHER = 0;
/** `\p{Lu}` and `\p{Lt}`: only in o200k's upper-case class. */
export const UPPER = 1;
/** `\p{Ll}`: only in o200k's lower-case class. */
export const LOWER = 2;
/** `\p{Lm}` and `\p{Lo}` (ideographs, kana, Hangul, Thai...): letters in both of o200k's case classes. */
export const CASELESS = 3;
/** `\p{M}`: in both of o200k's case classes, but not a letter (`\p{L}`), so also a prefix and punctuation. */
export const MARK = 4;
/** `\p{N}`. */
export const NUMBER = 5;
/** Unicode White_Space (Rust's `\s`) other than `\r` and `\n`. */
export const SPACE = 6;
/** `\r` and `\n`. */
export const NEWLINE = 7;

/** Unicode White_Space, which is what `\s` means in tiktoken's Rust regex (JavaScript's `\s` lacks U+0085 and adds U+FEFF). */
export const WHITE_SPACE_RANGES: ReadonlyArray<readonly [number, number]> = [
  [0x09, 0x0d],
  [0x20, 0x20],
  [0x85, 0x85],
  [0xa0, 0xa0],
  [0x1680, 0x1680],
  [0x2000, 0x200a],
  [0x2028, 0x2029],
  [0x202f, 0x202f],
  [0x205f, 0x205f],
  [0x3000, 0x3000],
];

/** The code point ranges of a class body of `unicode-classes.ts` (`\u{41}-\u{5a}\u{61}...`). */
export function classRanges(classBody: string): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  for (const [, from, to] of classBody.matchAll(/\\u\{([0-9a-f]+)\}(?:-\\u\{([0-9a-f]+)\})?/g)) {
    const first = Number.parseInt(from!, 16);
    ranges.push([first, to ? Number.parseInt(to, 16) : first]);
  }
  return ranges;
}

let classes: Uint8Array | undefined;

/** One byte per code point (1.1 MB), built on first use. */
export function charClasses(): Uint8Array {
  if (classes) return classes;
  const table = new Uint8Array(0x110000);
  const fill = (body: string, kind: number) => {
    for (const [from, to] of classRanges(body)) table.fill(kind, from, to + 1);
  };
  fill(UNICODE_CLASSES.Lu, UPPER);
  fill(UNICODE_CLASSES.Lt, UPPER);
  fill(UNICODE_CLASSES.Ll, LOWER);
  fill(UNICODE_CLASSES.Lm, CASELESS);
  fill(UNICODE_CLASSES.Lo, CASELESS);
  fill(UNICODE_CLASSES.M, MARK);
  fill(UNICODE_CLASSES.N, NUMBER);
  for (const [from, to] of WHITE_SPACE_RANGES) table.fill(SPACE, from, to + 1);
  table[10] = NEWLINE;
  table[13] = NEWLINE;
  classes = table;
  return table;
}
