/**
 * `@huggingface/tokenizers`' regex split, one pattern after another: every match of
 * `patterns[level]` is a piece, and so is the text between matches; each piece is split by the
 * next pattern, and what the last one leaves goes to `onWord`. A sticky regex is tried at each
 * position (`test`, which allocates no match arrays); trying positions in order finds the same
 * leftmost matches as a global search.
 */
export function splitWords(text: string, patterns: readonly RegExp[], level: number, onWord: (word: string) => void): void {
  if (level === patterns.length) {
    onWord(text);
    return;
  }
  const regex = patterns[level]!;
  const n = text.length;
  let gapStart = 0;
  let pos = 0;
  while (pos < n) {
    regex.lastIndex = pos;
    if (!regex.test(text)) {
      pos += codePointLength(text, pos);
      continue;
    }
    const end = regex.lastIndex;
    if (gapStart < pos) splitWords(text.slice(gapStart, pos), patterns, level + 1, onWord);
    if (end > pos) {
      splitWords(pos === 0 && end === n ? text : text.slice(pos, end), patterns, level + 1, onWord);
      pos = end;
      gapStart = end;
    } else {
      gapStart = pos;
      pos += codePointLength(text, pos);
    }
  }
  if (gapStart < n) splitWords(gapStart === 0 ? text : text.slice(gapStart), patterns, level + 1, onWord);
}

const codePointLength = (text: string, at: number): number => ((text.codePointAt(at) ?? 0) > 0xffff ? 2 : 1);
