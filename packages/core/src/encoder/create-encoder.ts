import { ASCII_PIECE_END } from "./ascii-pieces.js";
import { bytePairMerge } from "./byte-pair-merge.js";
import type { EncodingName, EncodingSpec } from "./encodings.js";
import { parseRanks } from "./parse-ranks.js";
import { createPieceScanner } from "./pre-tokenizer.js";
import { buildRankTable, lastKey, lookupRank, lookupRankAscii, MAX_EXACT_KEY_BYTES, type RankTable } from "./rank-table.js";
import { writeUtf8 } from "./utf8.js";

/** A tiktoken-compatible encoder: ids equal OpenAI's tiktoken for the same encoding. */
export interface Encoder {
  readonly name: EncodingName;
  /** Token ids of `text`. Special-token strings such as `<|endoftext|>` are encoded as plain text. */
  encode(text: string): number[];
  /** The text of `ids`; special-token ids decode to their names. Throws a RangeError on an id outside the vocabulary. */
  decode(ids: ArrayLike<number>): string;
  /** `encode(text).length`, without building the array. Never throws: a non-string counts as 0. */
  count(text: string): number;
}

/** Multi-token pieces are remembered up to this many; then the cache starts over, so memory stays bounded. */
const PIECE_CACHE_LIMIT = 65_536;
/** Longer pieces are rare and cheap to merge relative to their length; caching them would only pin memory. */
const PIECE_CACHE_MAX_CHARS = 64;
/**
 * Token counts of short multi-token ASCII pieces, direct-mapped by the hash the rank lookup
 * just computed: counting skips the string slice and Map lookup of the piece cache. 4,096
 * slots of 4 ints; a collision only overwrites.
 */
const COUNT_MEMO_BITS = 12;

export function createEncoder(name: EncodingName, spec: EncodingSpec): Encoder {
  const { bytes, offsets } = parseRanks(spec.ranks.bpe_ranks);
  const table = buildRankTable(bytes, offsets);
  const scannerFor = createPieceScanner(spec.pattern);
  const asciiPieceEnd = spec.pattern === "gpt2" ? undefined : ASCII_PIECE_END[spec.pattern];
  const specialBytes = new Map<number, Uint8Array>();
  const utf8 = new TextEncoder();
  for (const [text, id] of Object.entries(spec.specialTokens)) specialBytes.set(id, utf8.encode(text));
  const decoder = new TextDecoder();
  const pieceCache = new Map<string, number[]>();
  let scratch = new Uint8Array(1024);
  const countMemo = new Int32Array((1 << COUNT_MEMO_BITS) * 4).fill(-1);
  // Every byte is a token in byte-level BPE; one-character ASCII pieces (punctuation, spaces,
  // newlines: a third of the pieces in source code) skip hashing.
  const asciiByteRank = Int32Array.from({ length: 128 }, (_, c) => lookupRank(table, Uint8Array.of(c), 0, 1));

  function tokenize(text: string, out: number[] | undefined): number {
    const length = text.length;
    let scanner: RegExp | undefined;
    let total = 0;
    let pos = 0;
    while (pos < length) {
      let end = asciiPieceEnd ? asciiPieceEnd(text, pos) : -1;
      const ascii = end >= 0;
      if (!ascii) {
        scanner ??= scannerFor(text);
        scanner.lastIndex = pos;
        end = scanner.test(text) ? scanner.lastIndex : pos + 1;
      }
      const rank = !ascii
        ? lookupPiece(text, pos, end)
        : end - pos === 1
          ? asciiByteRank[text.charCodeAt(pos)]!
          : lookupRankAscii(table, text, pos, end);
      if (rank >= 0) {
        out?.push(rank);
        total++;
      } else if (out === undefined && ascii && end - pos <= MAX_EXACT_KEY_BYTES) {
        total += countShortAscii(text, pos, end);
      } else {
        total += mergePiece(text, pos, end, out);
      }
      pos = end;
    }
    return total;
  }

  function toScratch(text: string, start: number, end: number): number {
    if (scratch.length < (end - start) * 3) scratch = new Uint8Array((end - start) * 6);
    return writeUtf8(text, start, end, scratch);
  }

  function mergeBytes(text: string, start: number, end: number, out: number[] | undefined): number {
    const n = toScratch(text, start, end);
    return bytePairMerge(table, scratch, 0, n, out);
  }

  function lookupPiece(text: string, start: number, end: number): number {
    const n = toScratch(text, start, end);
    return lookupRank(table, scratch, 0, n);
  }

  /** Call right after `lookupRankAscii` missed on `text[start..end)`, which left the piece's key. */
  function countShortAscii(text: string, start: number, end: number): number {
    const { h, w0, w1 } = lastKey;
    const at = ((h >>> 5) & ((1 << COUNT_MEMO_BITS) - 1)) * 4;
    if (countMemo[at + 1] === end - start && countMemo[at + 2] === w0 && countMemo[at + 3] === w1) return countMemo[at]!;
    const n = mergePiece(text, start, end, undefined);
    countMemo[at] = n;
    countMemo[at + 1] = end - start;
    countMemo[at + 2] = w0;
    countMemo[at + 3] = w1;
    return n;
  }

  /** A piece that is not one token: merged once, then remembered while it is short. */
  function mergePiece(text: string, start: number, end: number, out: number[] | undefined): number {
    if (end - start > PIECE_CACHE_MAX_CHARS) return mergeBytes(text, start, end, out);
    const key = text.slice(start, end);
    let ids = pieceCache.get(key);
    if (ids === undefined) {
      ids = [];
      mergeBytes(text, start, end, ids);
      if (pieceCache.size >= PIECE_CACHE_LIMIT) pieceCache.clear();
      pieceCache.set(key, ids);
    }
    if (out) for (const id of ids) out.push(id);
    return ids.length;
  }

  return {
    name,
    encode(text) {
      const out: number[] = [];
      if (typeof text === "string") tokenize(text, out);
      return out;
    },
    count(text) {
      return typeof text === "string" ? tokenize(text, undefined) : 0;
    },
    decode(ids) {
      return decoder.decode(concatBytes(table, specialBytes, ids));
    },
  };
}

function concatBytes(table: RankTable, specialBytes: Map<number, Uint8Array>, ids: ArrayLike<number>): Uint8Array {
  let length = 0;
  for (let i = 0; i < ids.length; i++) length += tokenBytes(table, specialBytes, ids[i]!).length;
  const out = new Uint8Array(length);
  let at = 0;
  for (let i = 0; i < ids.length; i++) {
    const bytes = tokenBytes(table, specialBytes, ids[i]!);
    out.set(bytes, at);
    at += bytes.length;
  }
  return out;
}

function tokenBytes(table: RankTable, specialBytes: Map<number, Uint8Array>, id: number): Uint8Array {
  const special = specialBytes.get(id);
  if (special) return special;
  if (Number.isInteger(id) && id >= 0 && id < table.size && table.offsets[id + 1]! > table.offsets[id]!) {
    return table.bytes.subarray(table.offsets[id]!, table.offsets[id + 1]!);
  }
  throw new RangeError(`Token id ${id} is not in this encoding's vocabulary`);
}
