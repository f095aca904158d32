/**
 * Byte-sequence -> rank lookup over flat typed arrays: one byte pool, one offset
 * array and an open-addressing hash table. It replaces a Map of 200k string keys,
 * which is what makes js-tiktoken slow to load and heavy to hold.
 *
 * Each slot holds [rank, length, first four bytes, next four bytes], so most lookups
 * (tokens of up to eight bytes) are decided by one cache line of the slot array.
 */
export interface RankTable {
  readonly bytes: Uint8Array;
  /** `offsets[rank]..offsets[rank + 1]` are the bytes of token `rank`. */
  readonly offsets: Uint32Array;
  readonly slots: Int32Array;
  readonly mask: number;
  readonly size: number;
  /** A small direct-mapped memo of recent short lookups (hits and misses), which stays in the CPU cache. */
  readonly recent: Int32Array;
  /** The rank of each single byte: every byte is a token in byte-level BPE. */
  readonly byteRanks: Int32Array;
  /**
   * The merge memo: slot `i` holds tokens `pairs[3i]` and `pairs[3i + 1]` and the rank of their
   * concatenation (or -1), direct-mapped by a hash of the two ids. Two ids name their bytes
   * exactly, so a hit is exact; a collision only overwrites.
   */
  readonly pairs: Int32Array;
  /** The longest token's length in bytes: a longer piece is never one token. */
  readonly maxTokenBytes: number;
  /**
   * One bit per value of a hash's top `32 - filterShift` bits, set for every token's hash: a
   * key whose bit is clear is no token, known without touching the slots. Most lookups of
   * unseen text miss, and a miss in the slots (megabytes for a large vocabulary) is a CPU cache
   * miss, often a TLB miss too; the filter (4 bits a slot) mostly stays in the CPU's cache and
   * lets few misses through.
   */
  readonly filter: Int32Array;
  readonly filterShift: number;
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const SLOT = 4;
const INLINE_BYTES = 8;
const RECENT_BITS = 12;
const PAIR_BITS = 16;
/** Filter bits per slot of the table (a power of two). */
const FILTER_BITS_PER_SLOT = 4;

export function buildRankTable(bytes: Uint8Array, offsets: Uint32Array): RankTable {
  const size = offsets.length - 1;
  let capacity = 1;
  while (capacity < size * 2) capacity <<= 1;
  const mask = capacity - 1;
  const slots = new Int32Array(capacity * SLOT).fill(-1);
  // At least one 32-bit word, so that the shift stays below 32.
  const filterBits = Math.max(32, capacity * FILTER_BITS_PER_SLOT);
  const filter = new Int32Array(filterBits / 32);
  const filterShift = Math.clz32(filterBits) + 1;
  let maxTokenBytes = 0;
  for (let rank = 0; rank < size; rank++) {
    const start = offsets[rank]!;
    const end = offsets[rank + 1]!;
    if (end === start) continue;
    maxTokenBytes = Math.max(maxTokenBytes, end - start);
    const h = hashKey(bytes, start, end);
    const bit = h >>> filterShift;
    filter[bit >>> 5] = filter[bit >>> 5]! | (1 << (bit & 31));
    let slot = h & mask;
    while (slots[slot * SLOT] !== -1) slot = (slot + 1) & mask;
    const at = slot * SLOT;
    slots[at] = rank;
    slots[at + 1] = end - start;
    slots[at + 2] = lastKey.w0;
    slots[at + 3] = lastKey.w1;
  }
  const recent = new Int32Array((1 << RECENT_BITS) * SLOT).fill(-1);
  const pairs = new Int32Array((1 << PAIR_BITS) * 3).fill(-1);
  const table = { bytes, offsets, slots, mask, size, recent, byteRanks: new Int32Array(256), pairs, maxTokenBytes, filter, filterShift };
  for (let b = 0; b < 256; b++) table.byteRanks[b] = lookupRank(table, Uint8Array.of(b), 0, 1);
  return table;
}

/** Finds (length, w0, w1) with hash `h`; for tokens longer than the inline bytes, compares the rest with `buf`. */
function probe(table: RankTable, h: number, length: number, w0: number, w1: number, buf: Uint8Array, start: number): number {
  if (length > INLINE_BYTES) return probeTable(table, h, length, w0, w1, buf, start);
  const { recent } = table;
  const at = ((h >>> 3) & ((1 << RECENT_BITS) - 1)) * SLOT;
  if (recent[at + 1] === length && recent[at + 2] === w0 && recent[at + 3] === w1) return recent[at]!;
  const rank = probeTable(table, h, length, w0, w1, buf, start);
  recent[at] = rank;
  recent[at + 1] = length;
  recent[at + 2] = w0;
  recent[at + 3] = w1;
  return rank;
}

function probeTable(table: RankTable, h: number, length: number, w0: number, w1: number, buf: Uint8Array, start: number): number {
  const { slots, mask, bytes, offsets, filter } = table;
  const bit = h >>> table.filterShift;
  if ((filter[bit >>> 5]! & (1 << (bit & 31))) === 0) return -1;
  let slot = h & mask;
  for (;;) {
    const at = slot * SLOT;
    const rank = slots[at]!;
    if (rank === -1) return -1;
    if (slots[at + 1] === length && slots[at + 2] === w0 && slots[at + 3] === w1) {
      const from = offsets[rank]!;
      let i = INLINE_BYTES;
      while (i < length && bytes[from + i] === buf[start + i]) i++;
      if (i >= length) return rank;
    }
    slot = (slot + 1) & mask;
  }
}

/** The rank of `buf[start..end)` just hashed by `hashKey`, or -1 when it is not a token. */
export function rankOfHashedKey(table: RankTable, buf: Uint8Array, start: number, end: number): number {
  return probe(table, lastKey.h, end - start, lastKey.w0, lastKey.w1, buf, start);
}

/** The rank of `buf[start..end)`, or -1 when it is not a token. */
export function lookupRank(table: RankTable, buf: Uint8Array, start: number, end: number): number {
  const h = hashKey(buf, start, end);
  return probe(table, h, end - start, lastKey.w0, lastKey.w1, buf, start);
}

/**
 * The rank of token `left` followed by token `right`, whose bytes are `buf[start..end)`, or -1
 * when the two are not one token: from the merge memo, else looked up and remembered.
 */
export function pairRank(table: RankTable, left: number, right: number, buf: Uint8Array, start: number, end: number): number {
  const { pairs } = table;
  const at = (Math.imul(Math.imul(left, 0x9e3779b1) ^ right, 0x85ebca6b) >>> (32 - PAIR_BITS)) * 3;
  if (pairs[at] === left && pairs[at + 1] === right) return pairs[at + 2]!;
  const rank = lookupRank(table, buf, start, end);
  pairs[at] = left;
  pairs[at + 1] = right;
  pairs[at + 2] = rank;
  return rank;
}

/**
 * The hash and first eight bytes (as two words) of the key last looked up or hashed:
 * module state so that hashing allocates nothing, and a caller can key its
 * own memo by them. Up to eight bytes they identify the key exactly.
 */
export const lastKey = { h: 0, w0: 0, w1: 0 };
export const MAX_EXACT_KEY_BYTES = INLINE_BYTES;

/** FNV-1a of `bytes[start..end)`; also leaves it and its inline words in `lastKey`. */
export function hashKey(bytes: Uint8Array, start: number, end: number): number {
  let h = FNV_OFFSET;
  let w0 = 0;
  let w1 = 0;
  for (let i = start; i < end; i++) {
    const b = bytes[i]!;
    h = Math.imul(h ^ b, FNV_PRIME);
    const k = i - start;
    if (k < 4) w0 |= b << (k * 8);
    else if (k < INLINE_BYTES) w1 |= b << ((k - 4) * 8);
  }
  lastKey.h = h;
  lastKey.w0 = w0;
  lastKey.w1 = w1;
  return h;
}
