import { KeyHeap } from "./key-heap.js";
import { pairRank, type RankTable } from "./rank-table.js";

/**
 * The general long-piece merge, for a piece whose merges do not come in rising rank order
 * (`bucket-merge.ts` starts over here when one does): a heap of candidate keys.
 *
 * A candidate is the key `rank * 2^32 + position` (ties go to the leftmost pair); keys stay
 * below 2^53, so they are exact doubles. `current[i]` is the key of the pair that starts at
 * part `i` now, so a popped key that is not current is stale and skipped: no decrease-key, and
 * the heap holds bare keys. Each merge pushes at most two keys, so the heap never holds more
 * than 3n. O(n log n), no recursion.
 *
 * Its parts are linked by byte offset, from the bytes (tiktoken's own start); pushes the ids to
 * `out` when given and returns how many tokens the piece is.
 */
export function heapMerge(table: RankTable, buf: Uint8Array, start: number, n: number, out: number[] | undefined): number {
  const next = new Int32Array(n);
  const prev = new Int32Array(n);
  const partIds = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    next[i] = i + 1;
    prev[i] = i - 1;
    partIds[i] = table.byteRanks[buf[start + i]!]!;
  }
  const current = new Float64Array(n);
  const heap = new KeyHeap(n * 3);
  for (let i = 0; i < n; i = next[i]!) {
    current[i] = next[i]! < n ? keyOf(table, partIds, buf, start, i, next[i]!, next[next[i]!]!) : -1;
    if (current[i]! >= 0) heap.add(current[i]!);
  }
  heap.heapify();
  let merges = 0;
  while (heap.size > 0) {
    const key = heap.pop();
    // ToUint32 keeps the low 32 bits of the integer: the position.
    const i = key >>> 0;
    if (current[i] !== key) continue;
    const j = next[i]!;
    const pairEnd = next[j]!;
    partIds[i] = (key - i) / 0x1_0000_0000;
    current[j] = -1;
    next[i] = pairEnd;
    if (pairEnd < n) prev[pairEnd] = i;
    merges++;
    current[i] = pairEnd < n ? keyOf(table, partIds, buf, start, i, pairEnd, next[pairEnd]!) : -1;
    if (current[i]! >= 0) heap.push(current[i]!);
    const before = prev[i]!;
    if (before >= 0) {
      current[before] = keyOf(table, partIds, buf, start, before, i, pairEnd);
      if (current[before]! >= 0) heap.push(current[before]!);
    }
  }
  if (out) for (let i = 0; i < n; i = next[i]!) out.push(partIds[i]!);
  return n - merges;
}

/** The heap key of the pair of parts at `i` and `j` (ending at `end`), or -1 when they are no token. */
function keyOf(table: RankTable, partIds: Int32Array, buf: Uint8Array, start: number, i: number, j: number, end: number): number {
  const rank = pairRank(table, partIds[i]!, partIds[j]!, buf, start + i, start + end);
  return rank < 0 ? -1 : rank * 0x1_0000_0000 + i;
}
