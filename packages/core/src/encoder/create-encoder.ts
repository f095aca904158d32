/**
 * The counting engine: a tiktoken-compatible byte-pair encoder. Its ids equal OpenAI's
 * tiktoken (the `tiktoken` package is the reference in every test).
 *
 * Pipeline, for each text:
 * 1. UTF-8 windows. The text is turned into UTF-8 `WINDOW_CHARS` characters at a time
 *    (`encodeInto`, one reused buffer; a lone surrogate becomes U+FFFD as in tiktoken). A
 *    window that does not end the text is followed by a `CUT` byte (0xFF, never in UTF-8).
 * 2. Hand pre-tokenizer (`hand-pre-tokenizer.ts`). OpenAI's split regexes (o200k, cl100k,
 *    gpt2) written out over those bytes, for every code point: its class comes from a
 *    one-byte-per-code-point table built from tiktoken's Unicode version (`char-classes.ts`).
 *    A piece whose end depends on bytes past a `CUT` answers -1; the next window starts at
 *    that piece, and a window holding no whole piece doubles, so a piece of any length costs
 *    linear time and no recursion (the regexes in `regex-pre-tokenizer.ts` are only the
 *    tests' oracle).
 * 3. Rank table (`rank-table.ts`). Bytes -> rank in one open-addressing table over typed
 *    arrays, behind a filter of one bit per hash that answers most misses (most lookups of
 *    unseen non-Latin text) from the CPU cache; a piece that is one token is one lookup.
 * 4. Merge (`scan-merge.ts`). Other pieces merge as tiktoken does (lowest rank first,
 *    leftmost on ties): a scan up to 96 parts (at most 384 bytes: a part starts as one
 *    character at most); above, buckets by rank opened lowest first
 *    (`bucket-merge.ts`, linear in the merges), or a heap of bare keys (`heap-merge.ts`)
 *    for a piece where a merge makes a pair ranked below the one just merged. Every part
 *    carries its token id, and a pair is asked of the merge memo by its two ids before the table.
 *    A piece with multi-byte characters starts from whole characters where that is provably
 *    the same (`whole-char-start.ts`: a character merged alone first unless a token could join it
 *    with a neighbour before its own merges are done; else its first merge alone, when no
 *    token could join it before that one), a third of the parts for CJK; the
 *    tables behind that are built once the encoder has merged 8 KB of such pieces, by a
 *    short piece (a single long piece never waits for the build).
 * 5. Caches, all bounded: `countMemo` (counts of pieces of up to 8 bytes, keyed by the words
 *    the lookup just computed), the count cache (counts of pieces of 9-64 bytes, keyed by
 *    their bytes, direct-mapped, no allocation), the piece cache (ids of multi-token pieces up
 *    to 64 bytes for `encode`, cleared at 65,536 entries), the table's `recent` and `pairs`
 *    memos. A collision or a clear only costs time, never exactness.
 *
 * Invariants the code relies on:
 * - The pre-tokenizer rejects no character: every code point has a class. It answers -1
 *   only at a `CUT`, so a window's cut never changes a split.
 * - UTF-16 positions: the pre-tokenizer counts the piece's UTF-16 length as it goes (four
 *   UTF-8 bytes are two units, anything shorter one), which keeps byte and string positions
 *   in step; windows never end between the two halves of a surrogate pair.
 * - Ranks fit in 32 bits and a heap key is `rank * 2^32 + position`, below 2^53, so keys are
 *   exact doubles. A long piece of n bytes holds at most 3n bucket entries or heap keys (n - 1
 *   to start, two per merge); scratch above 32K bytes is freed after the piece. The bucket
 *   merge keeps part lengths in bytes, so it takes tables whose tokens are at most 255 bytes
 *   (every OpenAI encoding: 128 at most); others go to the heap merge.
 * - Keys of up to 8 bytes are decided by the table's inline words; longer ones compare bytes.
 * - Shared scratch state (the window, the pre-tokenizer's cursor, `lastKey`, the merge
 *   arrays) makes an encoder non-reentrant: fine on JavaScript's one thread, but nothing in
 *   the pipeline may call back into user code.
 */

import { type Encoder, encoderOf } from "./encoder-of.js";
import type { EncodingName, EncodingSpec } from "./encodings.js";
import { CUT, pieceEndFor, pieceUnits } from "./hand-pre-tokenizer.js";
import { parseRanks } from "./parse-ranks.js";
import { buildRankTable, hashKey, lastKey, lookupRank, MAX_EXACT_KEY_BYTES, rankOfHashedKey } from "./rank-table.js";
import { rankTokenBytes } from "./rank-token-bytes.js";
import { bytePairMerge } from "./scan-merge.js";
import { isHighSurrogate } from "./utf8.js";

/** Multi-token pieces are remembered up to this many; then the cache starts over, so memory stays bounded. */
const PIECE_CACHE_LIMIT = 65_536;
/** Longer pieces are rare and cheap to merge relative to their length; caching them would only pin memory. */
const PIECE_CACHE_MAX_BYTES = 64;
/**
 * Token counts of short multi-token pieces, direct-mapped by the hash the rank lookup
 * just computed: counting skips the string slice and Map lookup of the piece cache. 4,096
 * slots of 4 ints; a collision only overwrites.
 */
const COUNT_MEMO_BITS = 12;
/**
 * Token counts of pieces of 9 to `PIECE_CACHE_MAX_BYTES` bytes, direct-mapped by their hash,
 * with their bytes for an exact compare: counting unseen text allocates nothing per piece
 * (no string key, no ids array), and a collision only overwrites. 16,384 slots, 1 MB.
 */
const COUNT_CACHE_BITS = 14;
/**
 * Text is turned into UTF-8 this many characters at a time (at most 192 KB of bytes, which
 * stays in the CPU cache); a window grows only for a piece longer than itself.
 */
export const WINDOW_CHARS = 1 << 16;
/** A UTF-16 code unit is at most three UTF-8 bytes; one more holds the cut. */
const windowBytes = (chars: number) => 3 * chars + 1;

/**
 * A tiktoken-compatible encoder for an encoding's spec (see the pipeline above); the encodings'
 * specs are in `openai-encodings/`.
 *
 * @example
 * ```ts
 * const enc = createEncoder("cl100k_base", CL100K_SPECS.cl100k_base);
 * enc.count("hello world"); // 2
 * ```
 *
 * @param windowChars how many characters to turn into UTF-8 at a time; tests make it small to
 *   cut pieces often.
 */
export function createEncoder(name: EncodingName, spec: EncodingSpec, windowChars = WINDOW_CHARS): Encoder {
  const { bytes, offsets } = parseRanks(spec.ranks.bpe_ranks);
  const table = buildRankTable(bytes, offsets);
  const pieceEnd = pieceEndFor(spec.pattern);
  const bytesOf = rankTokenBytes(table, spec.specialTokens());
  const utf8 = new TextEncoder();
  // ignoreBOM: a leading U+FEFF is text like any other, so decode(encode(text)) is text.
  const decoder = new TextDecoder("utf-8", { ignoreBOM: true });
  const pieceCache = new Map<string, number[]>();
  const defaultWindow = new Uint8Array(windowBytes(windowChars));
  let window = defaultWindow;
  const countMemo = new Int32Array((1 << COUNT_MEMO_BITS) * 4).fill(-1);
  const countKeys = new Uint8Array((1 << COUNT_CACHE_BITS) * PIECE_CACHE_MAX_BYTES);
  const countEntries = new Int32Array((1 << COUNT_CACHE_BITS) * 2).fill(-1);

  /**
   * Writes `chars` as UTF-8 to the window, growing it (by doubling, for a piece longer than the
   * window) to the bytes the text needs, not three a character; returns the bytes written. One
   * byte stays free for the `CUT`.
   */
  function encodeWindow(chars: string): number {
    // Three bytes a UTF-16 unit at most: this fits with a byte to spare, without a subarray.
    if (chars.length * 3 < window.length) return utf8.encodeInto(chars, window).written;
    let { read, written } = utf8.encodeInto(chars, window.subarray(0, window.length - 1));
    while (read < chars.length) {
      const grown = new Uint8Array(window.length * 2);
      grown.set(window.subarray(0, written));
      window = grown;
      // encodeInto stops before a character that does not fit, never inside one.
      const more = utf8.encodeInto(chars.slice(read), window.subarray(written, window.length - 1));
      read += more.read;
      written += more.written;
    }
    return written;
  }

  function tokenize(text: string, out: number[] | undefined): number {
    const length = text.length;
    let total = 0;
    let pos = 0;
    let chars = windowChars;
    while (pos < length) {
      let windowEnd = Math.min(length, pos + chars);
      if (windowEnd < length && isHighSurrogate(text.charCodeAt(windowEnd - 1))) windowEnd--;
      const last = windowEnd === length;
      const written = encodeWindow(pos === 0 && last ? text : text.slice(pos, windowEnd));
      window[written] = CUT;
      const known = last ? written : written + 1;
      const windowStart = pos;
      let at = 0;
      while (at < written) {
        const next = pieceEnd(window, known, at);
        if (next < 0) break;
        const end = pos + pieceUnits();
        if (next - at > MAX_EXACT_KEY_BYTES) {
          total += out === undefined ? countLong(at, next) : pieceIds(text, pos, end, at, next, false, out);
        } else {
          const rank = next - at === 1 ? table.byteRanks[window[at]!]! : lookupRank(table, window, at, next);
          if (rank >= 0) {
            out?.push(rank);
            total++;
          } else {
            total += out === undefined ? countShort(at, next) : pieceIds(text, pos, end, at, next, true, out);
          }
        }
        pos = end;
        at = next;
      }
      // No whole piece in the window: double it, so a piece of any length costs linear time in all.
      chars = pos === windowStart ? chars * 2 : windowChars;
    }
    window = defaultWindow;
    return total;
  }

  /** The rank of the piece `window[at..next)` when it is one token; a piece longer than every token is not looked up. */
  function longPieceRank(at: number, next: number): number {
    return next - at > table.maxTokenBytes ? -1 : lookupRank(table, window, at, next);
  }

  /** The token count of the piece `window[at..next)`, of more than `MAX_EXACT_KEY_BYTES` bytes. */
  function countLong(at: number, next: number): number {
    const length = next - at;
    if (length > PIECE_CACHE_MAX_BYTES) {
      return longPieceRank(at, next) >= 0 ? 1 : bytePairMerge(table, window, at, next, undefined);
    }
    const slot = (hashKey(window, at, next) >>> 3) & ((1 << COUNT_CACHE_BITS) - 1);
    const keyAt = slot * PIECE_CACHE_MAX_BYTES;
    if (countEntries[slot * 2] === length) {
      let i = 0;
      while (i < length && countKeys[keyAt + i] === window[at + i]) i++;
      if (i === length) return countEntries[slot * 2 + 1]!;
    }
    const n = rankOfHashedKey(table, window, at, next) >= 0 ? 1 : bytePairMerge(table, window, at, next, undefined);
    for (let i = 0; i < length; i++) countKeys[keyAt + i] = window[at + i]!;
    countEntries[slot * 2] = length;
    countEntries[slot * 2 + 1] = n;
    return n;
  }

  /**
   * Call right after `lookupRank` missed on the piece `window[at..next)`, which left its key. A
   * miss merges without the piece cache: no string key and no ids array (an array literal in
   * this optimised code would tie it to V8's allocation site, whose change after a GC throws
   * the code away), and merging eight bytes costs less than the lookup.
   */
  function countShort(at: number, next: number): number {
    const { h, w0, w1 } = lastKey;
    const slot = ((h >>> 5) & ((1 << COUNT_MEMO_BITS) - 1)) * 4;
    if (countMemo[slot + 1] === next - at && countMemo[slot + 2] === w0 && countMemo[slot + 3] === w1) return countMemo[slot]!;
    const n = bytePairMerge(table, window, at, next, undefined);
    countMemo[slot] = n;
    countMemo[slot + 1] = next - at;
    countMemo[slot + 2] = w0;
    countMemo[slot + 3] = w1;
    return n;
  }

  /**
   * Pushes to `out` the ids of a piece of more than one byte and returns how many: its whole rank
   * first (tiktoken's first step) unless the caller already `knownSplit` it is not one token, else
   * merged; remembered while short. The piece cache is asked before the rank table: a probe for a
   * long key is a CPU cache miss and, in Chinese, mostly finds nothing.
   */
  function pieceIds(text: string, start: number, end: number, at: number, next: number, knownSplit: boolean, out: number[]): number {
    if (next - at > PIECE_CACHE_MAX_BYTES) {
      const rank = knownSplit ? -1 : longPieceRank(at, next);
      if (rank < 0) return bytePairMerge(table, window, at, next, out);
      out.push(rank);
      return 1;
    }
    const key = text.slice(start, end);
    let ids = pieceCache.get(key);
    if (ids === undefined) {
      const rank = knownSplit ? -1 : lookupRank(table, window, at, next);
      ids = rank >= 0 ? [rank] : [];
      if (rank < 0) bytePairMerge(table, window, at, next, ids);
      if (pieceCache.size >= PIECE_CACHE_LIMIT) pieceCache.clear();
      pieceCache.set(key, ids);
    }
    for (const id of ids) out.push(id);
    return ids.length;
  }

  return encoderOf(name, tokenize, bytesOf, decoder);
}
