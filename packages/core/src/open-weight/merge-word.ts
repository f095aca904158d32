import { lookupRank } from "../encoder/index.js";
import { mergeSymbols } from "./pair-merge.js";
import type { Vocabulary } from "./vocabulary.js";

/** A surrogate that is not half of a pair (with the `u` flag, pairs are one code point). */
const LONE_SURROGATE = /\p{Cs}/u;

/** Turns one pre-tokenized word into its ids. */
export type MergeWord = (word: string) => number[];

/**
 * BPE over one word: its bytes (byte-level vocabularies) or characters as the first symbols,
 * merged by the merge list; `ignoreMerges` takes a word that is one token whole first. A
 * character outside the vocabulary becomes its byte-fallback tokens, else the unknown token.
 * Scratch buffers are reused between words and shrunk by `shrink` after a huge text.
 */
export function createWordMerger(
  vocabulary: Vocabulary,
  byteLevel: boolean,
  ignoreMerges: boolean,
): { merge: MergeWord; shrink: () => void } {
  const { table, pairs, byteIds, fallbackIds, hasFallback, unkId } = vocabulary;
  const utf8 = new TextEncoder();
  let bytes = new Uint8Array(256);
  let symbols = new Int32Array(256);

  function merge(word: string): number[] {
    let n = 0;
    if (byteLevel) {
      if (bytes.length < word.length * 3) bytes = new Uint8Array(word.length * 3);
      n = utf8.encodeInto(word, bytes).written;
      if (ignoreMerges) {
        const whole = lookupRank(table, bytes, 0, n);
        if (whole >= 0) return [whole];
      }
      if (symbols.length < n) symbols = new Int32Array(n);
      for (let i = 0; i < n; i++) symbols[i] = byteIds[bytes[i]!]!;
    } else {
      if (symbols.length < word.length) symbols = new Int32Array(word.length);
      if (bytes.length < 4) bytes = new Uint8Array(4);
      for (const char of word) {
        // A lone surrogate is no character of the vocabulary (its UTF-8 would be U+FFFD's): it
        // falls back to U+FFFD's bytes, as @huggingface/tokenizers does.
        const lone = char.length === 1 && (char.charCodeAt(0) & 0xf800) === 0xd800;
        const length = lone ? 0 : utf8.encodeInto(char, bytes).written;
        const id = lone ? -1 : lookupRank(table, bytes, 0, length);
        // An unknown character never merges; -1 - its code point keeps it for the fallback.
        symbols[n++] = id >= 0 ? id : -1 - char.codePointAt(0)!;
      }
      if (ignoreMerges && !LONE_SURROGATE.test(word)) {
        const wordBytes = utf8.encode(word);
        const whole = lookupRank(table, wordBytes, 0, wordBytes.length);
        if (whole >= 0) return [whole];
      }
    }
    const parts = mergeSymbols(pairs, symbols, n);
    const ids: number[] = [];
    for (let i = 0; i < parts; i++) {
      const id = symbols[i]!;
      if (id >= 0) ids.push(id);
      else fallback(String.fromCodePoint(-1 - id), ids);
    }
    return ids;
  }

  function fallback(char: string, ids: number[]): void {
    if (hasFallback) for (const b of utf8.encode(char)) ids.push(fallbackIds[b]!);
    else if (unkId >= 0) ids.push(unkId);
  }

  function shrink(): void {
    if (bytes.length > 1 << 20) bytes = new Uint8Array(256);
    if (symbols.length > 1 << 18) symbols = new Int32Array(256);
  }

  return { merge, shrink };
}
