import { charParts } from "./char-parts.js";
import { pairRank, type RankTable } from "./rank-table.js";

const NONE = 0x7fffffff;
/**
 * Above this many bytes a piece merges through a heap in O(n log n); below it the
 * plain scan of tiktoken's own merge loop is faster. Pieces this long are rare in
 * prose but make up whole inputs in the worst cases (one letter repeated, Chinese
 * without punctuation, emoji runs).
 */
const HEAP_THRESHOLD = 96;

/** Heap-merge scratch up to this many bytes is kept between calls; a longer piece gets its own, freed after. */
const KEEP_SCRATCH = 1 << 16;

let bounds = new Int32Array(256);
let ids = new Int32Array(256);
let pairRanks = new Int32Array(256);

/**
 * Merges the bytes `buf[start..end)` by rank, as tiktoken does: repeatedly the
 * adjacent pair with the lowest rank (leftmost on ties). Each part carries its token id,
 * so a pair is looked up by its two ids in the merge memo first. Pushes the resulting
 * ranks to `out` when given; returns how many tokens the piece is.
 */
export function bytePairMerge(table: RankTable, buf: Uint8Array, start: number, end: number, out: number[] | undefined): number {
  const n = end - start;
  return n > HEAP_THRESHOLD ? heapMerge(table, buf, start, n, out) : scanMerge(table, buf, start, n, out);
}

function scanMerge(table: RankTable, buf: Uint8Array, start: number, n: number, out: number[] | undefined): number {
  if (bounds.length <= n) {
    bounds = new Int32Array(n * 2 + 2);
    ids = new Int32Array(n * 2 + 2);
    pairRanks = new Int32Array(n * 2 + 2);
  }
  const { byteRanks } = table;
  let high = 0;
  for (let i = 0; i < n; i++) {
    const b = buf[start + i]!;
    high |= b;
    bounds[i] = start + i;
    ids[i] = byteRanks[b]!;
  }
  bounds[n] = start + n;
  let parts = n;
  if (high >= 0x80) {
    const fromChars = charParts(table, buf, start, start + n, bounds, ids);
    if (fromChars >= 0) parts = fromChars;
  }
  for (let i = 0; i < parts - 1; i++) pairRanks[i] = rankOrNone(table, buf, i);
  while (parts > 1) {
    let best = NONE;
    let at = -1;
    for (let i = 0; i < parts - 1; i++) {
      if (pairRanks[i]! < best) {
        best = pairRanks[i]!;
        at = i;
      }
    }
    if (at < 0) break;
    ids[at] = best;
    // Shifting by hand: a piece has tens of parts, where copyWithin's call costs more than the copy.
    for (let i = at + 1; i < parts; i++) {
      bounds[i] = bounds[i + 1]!;
      ids[i] = ids[i + 1]!;
      pairRanks[i] = pairRanks[i + 1]!;
    }
    parts--;
    if (at < parts - 1) pairRanks[at] = rankOrNone(table, buf, at);
    if (at > 0) pairRanks[at - 1] = rankOrNone(table, buf, at - 1);
  }
  if (out) for (let i = 0; i < parts; i++) out.push(ids[i]!);
  return parts;
}

/** The rank of parts `i` and `i + 1` of the scan merge together, or NONE. */
function rankOrNone(table: RankTable, buf: Uint8Array, i: number): number {
  const rank = pairRank(table, ids[i]!, ids[i + 1]!, buf, bounds[i]!, bounds[i + 2]!);
  return rank < 0 ? NONE : rank;
}

/**
 * A candidate is the key `rank * 2^32 + position` (ties go to the leftmost pair). `current[i]`
 * is the key of the pair that starts at part `i` now, so a popped key that is not current is
 * stale and skipped: no decrease-key, and the heap holds bare keys. Each merge pushes at most
 * two keys, so the heap never holds more than 3n. No recursion: memory and stack stay linear
 * and flat in the piece's length.
 */
function heapMerge(table: RankTable, buf: Uint8Array, start: number, n: number, out: number[] | undefined): number {
  if (scratch === undefined || n > scratch.next.length) {
    const grown = newScratch(Math.max(n, HEAP_THRESHOLD * 4));
    if (n > KEEP_SCRATCH) return heapMergeWith(grown, table, buf, start, n, out);
    scratch = grown;
  }
  return heapMergeWith(scratch, table, buf, start, n, out);
}

interface Scratch {
  next: Int32Array;
  prev: Int32Array;
  partIds: Int32Array;
  current: Float64Array;
  heap: KeyHeap;
}

const newScratch = (n: number): Scratch => ({
  next: new Int32Array(n),
  prev: new Int32Array(n),
  partIds: new Int32Array(n),
  current: new Float64Array(n),
  heap: new KeyHeap(n * 3),
});

let scratch: Scratch | undefined;

/** Where `charParts` writes a long piece's parts before they are linked; kept up to `KEEP_SCRATCH`. */
let charStarts = new Int32Array(0);
let charIds = new Int32Array(0);

/** The parts of a long piece with a multi-byte character, from whole characters, in `charStarts`/`charIds`; -1 when they are its bytes. */
function longCharParts(table: RankTable, buf: Uint8Array, start: number, n: number): number {
  let high = 0;
  for (let i = start; i < start + n; i++) high |= buf[i]!;
  if (high < 0x80) return -1;
  if (charStarts.length <= n) {
    charStarts = new Int32Array(n + 1);
    charIds = new Int32Array(n + 1);
  }
  return charParts(table, buf, start, start + n, charStarts, charIds);
}

function heapMergeWith(
  { next, prev, partIds, current, heap }: Scratch,
  table: RankTable,
  buf: Uint8Array,
  start: number,
  n: number,
  out: number[] | undefined,
): number {
  heap.size = 0;
  let parts = longCharParts(table, buf, start, n);
  if (parts < 0) {
    const { byteRanks } = table;
    for (let i = 0; i < n; i++) {
      next[i] = i + 1;
      prev[i] = i - 1;
      partIds[i] = byteRanks[buf[start + i]!]!;
    }
    current[n - 1] = -1;
    for (let i = 0; i < n - 1; i++) {
      current[i] = keyOf(table, partIds, buf, start, i, i + 1, i + 2);
      if (current[i]! >= 0) heap.add(current[i]!);
    }
    parts = n;
  } else {
    // Parts are linked by their first byte's offset in the piece.
    for (let k = 0; k < parts; k++) {
      const i = charStarts[k]! - start;
      next[i] = charStarts[k + 1]! - start;
      prev[i] = k > 0 ? charStarts[k - 1]! - start : -1;
      partIds[i] = charIds[k]!;
    }
    if (n > KEEP_SCRATCH) {
      charStarts = new Int32Array(0);
      charIds = new Int32Array(0);
    }
    for (let i = 0; i < n; i = next[i]!) {
      current[i] = next[i]! < n ? keyOf(table, partIds, buf, start, i, next[i]!, next[next[i]!]!) : -1;
      if (current[i]! >= 0) heap.add(current[i]!);
    }
  }
  heap.heapify();
  while (heap.size > 0) {
    const key = heap.pop();
    // Exact: keys stay below 2^53, and ToUint32 keeps the low 32 bits of the integer.
    const i = key >>> 0;
    if (current[i] !== key) continue;
    const j = next[i]!;
    const pairEnd = next[j]!;
    partIds[i] = (key - i) / 0x1_0000_0000;
    current[j] = -1;
    next[i] = pairEnd;
    if (pairEnd < n) prev[pairEnd] = i;
    parts--;
    current[i] = pairEnd < n ? keyOf(table, partIds, buf, start, i, pairEnd, next[pairEnd]!) : -1;
    if (current[i]! >= 0) heap.push(current[i]!);
    const before = prev[i]!;
    if (before >= 0) {
      current[before] = keyOf(table, partIds, buf, start, before, i, pairEnd);
      if (current[before]! >= 0) heap.push(current[before]!);
    }
  }
  if (out) for (let i = 0; i < n; i = next[i]!) out.push(partIds[i]!);
  return parts;
}

/**
 * The heap key of the pair of parts at `i` and `j` (ending at `end`), or -1 when they are no
 * token. A function of its own, not a closure per call: optimised code that inlined one call's
 * closure deoptimised on the next call's ("wrong call target"), in the middle of a long piece.
 */
function keyOf(table: RankTable, partIds: Int32Array, buf: Uint8Array, start: number, i: number, j: number, end: number): number {
  const rank = pairRank(table, partIds[i]!, partIds[j]!, buf, start + i, start + end);
  return rank < 0 ? -1 : rank * 0x1_0000_0000 + i;
}

/** A binary min-heap of numbers. */
class KeyHeap {
  size = 0;
  private readonly keys: Float64Array;

  constructor(capacity: number) {
    this.keys = new Float64Array(capacity);
  }

  /** Appends without ordering; call `heapify` before the first `pop`. */
  add(key: number): void {
    this.keys[this.size++] = key;
  }

  heapify(): void {
    for (let i = (this.size >> 1) - 1; i >= 0; i--) this.siftDown(i, this.keys[i]!);
  }

  push(key: number): void {
    const { keys } = this;
    let i = this.size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (keys[parent]! <= key) break;
      keys[i] = keys[parent]!;
      i = parent;
    }
    keys[i] = key;
  }

  /** Removes and returns the smallest key. */
  pop(): number {
    const top = this.keys[0]!;
    const last = --this.size;
    if (last > 0) this.siftDown(0, this.keys[last]!);
    return top;
  }

  private siftDown(from: number, key: number): void {
    const { keys, size } = this;
    let i = from;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= size) break;
      if (child + 1 < size && keys[child + 1]! < keys[child]!) child++;
      if (keys[child]! >= key) break;
      keys[i] = keys[child]!;
      i = child;
    }
    keys[i] = key;
  }
}
