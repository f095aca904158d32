import { lookupRank, type RankTable } from "./rank-table.js";

const NONE = 0x7fffffff;
/**
 * Above this many bytes a piece merges through a heap in O(n log n); below it the
 * plain scan of tiktoken's own merge loop is faster. Pieces this long are rare in
 * prose but make up whole inputs in the worst cases (one letter repeated, Chinese
 * without punctuation, emoji runs).
 */
const HEAP_THRESHOLD = 96;

let bounds = new Int32Array(256);
let pairRanks = new Int32Array(256);

/**
 * Merges the bytes `buf[start..end)` by rank, as tiktoken does: repeatedly the
 * adjacent pair with the lowest rank (leftmost on ties). Pushes the resulting ranks
 * to `out` when given; returns how many tokens the piece is.
 */
export function bytePairMerge(table: RankTable, buf: Uint8Array, start: number, end: number, out: number[] | undefined): number {
  const n = end - start;
  return n > HEAP_THRESHOLD ? heapMerge(table, buf, start, n, out) : scanMerge(table, buf, start, n, out);
}

function scanMerge(table: RankTable, buf: Uint8Array, start: number, n: number, out: number[] | undefined): number {
  if (bounds.length <= n) {
    bounds = new Int32Array(n * 2 + 2);
    pairRanks = new Int32Array(n * 2 + 2);
  }
  for (let i = 0; i <= n; i++) bounds[i] = start + i;
  let parts = n;
  for (let i = 0; i < parts - 1; i++) pairRanks[i] = rankOrNone(table, buf, bounds[i]!, bounds[i + 2]!);
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
    bounds.copyWithin(at + 1, at + 2, parts + 1);
    pairRanks.copyWithin(at + 1, at + 2, parts - 1);
    parts--;
    if (at < parts - 1) pairRanks[at] = rankOrNone(table, buf, bounds[at]!, bounds[at + 2]!);
    if (at > 0) pairRanks[at - 1] = rankOrNone(table, buf, bounds[at - 1]!, bounds[at + 1]!);
  }
  if (out) for (let i = 0; i < parts; i++) out.push(lookupRank(table, buf, bounds[i]!, bounds[i + 1]!));
  return parts;
}

function heapMerge(table: RankTable, buf: Uint8Array, start: number, n: number, out: number[] | undefined): number {
  const next = new Int32Array(n);
  const prev = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    next[i] = i + 1;
    prev[i] = i - 1;
  }
  const heap = new PairHeap(n * 3);
  for (let i = 0; i < n - 1; i++) {
    const rank = lookupRank(table, buf, start + i, start + i + 2);
    if (rank >= 0) heap.add(rank, i, i + 2);
  }
  heap.heapify();
  let parts = n;
  while (heap.size > 0) {
    const i = heap.topPos();
    const pairEnd = heap.topEnd();
    heap.pop();
    const j = next[i]!;
    if (prev[i]! === -2 || j >= n || next[j]! !== pairEnd) continue;
    prev[j] = -2;
    next[i] = pairEnd;
    if (pairEnd < n) prev[pairEnd] = i;
    parts--;
    if (pairEnd < n) {
      const rank = lookupRank(table, buf, start + i, start + next[pairEnd]!);
      if (rank >= 0) heap.push(rank, i, next[pairEnd]!);
    }
    const before = prev[i]!;
    if (before >= 0) {
      const rank = lookupRank(table, buf, start + before, start + pairEnd);
      if (rank >= 0) heap.push(rank, before, pairEnd);
    }
  }
  if (out) {
    for (let i = 0; i < n; i = next[i]!) out.push(lookupRank(table, buf, start + i, start + next[i]!));
  }
  return parts;
}

function rankOrNone(table: RankTable, buf: Uint8Array, from: number, to: number): number {
  const rank = lookupRank(table, buf, from, to);
  return rank < 0 ? NONE : rank;
}

/**
 * A binary min-heap of merge candidates. The key packs rank and position into one exact
 * double (rank * 2^32 + position), so ties go to the leftmost pair with one comparison.
 * `ends` remembers where the pair ended, to discard candidates a later merge made stale.
 */
class PairHeap {
  size = 0;
  private readonly keys: Float64Array;
  private readonly ends: Int32Array;

  constructor(capacity: number) {
    this.keys = new Float64Array(capacity);
    this.ends = new Int32Array(capacity);
  }

  topPos(): number {
    return this.keys[0]! % 0x1_0000_0000;
  }

  topEnd(): number {
    return this.ends[0]!;
  }

  /** Appends without ordering; call `heapify` before the first `pop`. */
  add(rank: number, pos: number, end: number): void {
    this.keys[this.size] = rank * 0x1_0000_0000 + pos;
    this.ends[this.size++] = end;
  }

  heapify(): void {
    for (let i = (this.size >> 1) - 1; i >= 0; i--) this.siftDown(i, this.keys[i]!, this.ends[i]!);
  }

  push(rank: number, pos: number, end: number): void {
    const key = rank * 0x1_0000_0000 + pos;
    let i = this.size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.keys[parent]! <= key) break;
      this.keys[i] = this.keys[parent]!;
      this.ends[i] = this.ends[parent]!;
      i = parent;
    }
    this.keys[i] = key;
    this.ends[i] = end;
  }

  pop(): void {
    const last = --this.size;
    if (last > 0) this.siftDown(0, this.keys[last]!, this.ends[last]!);
  }

  private siftDown(from: number, key: number, end: number): void {
    const { keys, ends, size } = this;
    let i = from;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= size) break;
      if (child + 1 < size && keys[child + 1]! < keys[child]!) child++;
      if (keys[child]! >= key) break;
      keys[i] = keys[child]!;
      ends[i] = ends[child]!;
      i = child;
    }
    keys[i] = key;
    ends[i] = end;
  }
}
