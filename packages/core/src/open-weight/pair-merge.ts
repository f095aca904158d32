import { KeyHeap, lowestAt, NONE } from "../encoder/index.js";

/**
 * Hugging Face BPE: a word starts as one symbol per character (or byte) and repeatedly
 * merges the adjacent pair that comes first in the tokenizer's merge list, leftmost on ties.
 * The priority is the pair's place in the list, not the merged token's id.
 */
export interface PairTable {
  /** Per slot: left id, right id, merge priority, merged id; left -1 marks an empty slot. */
  readonly slots: Int32Array;
  readonly mask: number;
}

const SLOT = 4;
const pairHash = (a: number, b: number) => (Math.imul(a, 0x9e3779b1) ^ Math.imul(b + 0x7f4a7c15, 0x85ebca77)) >>> 0;

/** A table of `merges[i] = [left id, right id, merged id]`, priority `i`; a repeated pair keeps its first priority. */
export function buildPairTable(merges: ReadonlyArray<readonly [number, number, number]>): PairTable {
  let capacity = 2;
  while (capacity < merges.length * 2) capacity <<= 1;
  const mask = capacity - 1;
  const slots = new Int32Array(capacity * SLOT).fill(-1);
  merges.forEach(([a, b, merged], priority) => {
    let slot = pairHash(a, b) & mask;
    for (;;) {
      const at = slot * SLOT;
      if (slots[at] === -1) {
        slots[at] = a;
        slots[at + 1] = b;
        slots[at + 2] = priority;
        slots[at + 3] = merged;
        return;
      }
      if (slots[at] === a && slots[at + 1] === b) return;
      slot = (slot + 1) & mask;
    }
  });
  return { slots, mask };
}

/** The slot offset of the pair (a, b), or -1 when the two never merge. */
function findPair(table: PairTable, a: number, b: number): number {
  if (a < 0 || b < 0) return -1;
  const { slots, mask } = table;
  let slot = pairHash(a, b) & mask;
  for (;;) {
    const at = slot * SLOT;
    const left = slots[at]!;
    if (left === -1) return -1;
    if (left === a && slots[at + 1] === b) return at;
    slot = (slot + 1) & mask;
  }
}

/** Below this many symbols a plain scan for the best pair beats the heap. */
const HEAP_THRESHOLD = 16;

/**
 * Merges `ids[0..n)` in place by the pair table and returns the number of symbols left
 * (the first `n'` entries of `ids`). Negative ids are symbols that never merge.
 */
export function mergeSymbols(table: PairTable, ids: Int32Array, n: number): number {
  return n > HEAP_THRESHOLD ? heapMerge(table, ids, n) : scanMerge(table, ids, n);
}

let priorities = new Int32Array(64);

function scanMerge(table: PairTable, ids: Int32Array, n: number): number {
  if (priorities.length < n) priorities = new Int32Array(n * 2);
  const { slots } = table;
  const priorityAt = (i: number) => {
    const at = findPair(table, ids[i]!, ids[i + 1]!);
    return at < 0 ? NONE : slots[at + 2]!;
  };
  for (let i = 0; i < n - 1; i++) priorities[i] = priorityAt(i);
  let parts = n;
  while (parts > 1) {
    const at = lowestAt(priorities, parts - 1);
    if (at < 0) break;
    ids[at] = slots[findPair(table, ids[at]!, ids[at + 1]!) + 3]!;
    ids.copyWithin(at + 1, at + 2, parts);
    priorities.copyWithin(at + 1, at + 2, parts - 1);
    parts--;
    if (at < parts - 1) priorities[at] = priorityAt(at);
    if (at > 0) priorities[at - 1] = priorityAt(at - 1);
  }
  return parts;
}

/**
 * O(n log n) for long words (Gemma's whole text is one word): a linked list of symbols and a
 * heap of keys `priority * 2^32 + position`. `current[i]` is the key of the pair starting at
 * `i` now, so a popped key that is no longer current is stale and skipped.
 */
function heapMerge(table: PairTable, ids: Int32Array, n: number): number {
  const { slots } = table;
  if (heapBuffers.next.length < n) heapBuffers = buffersFor(n * 2);
  const { next, prev, current, heap } = heapBuffers;
  current.fill(-1, 0, n);
  heap.size = 0;
  const keyAt = (i: number, j: number) => {
    const at = findPair(table, ids[i]!, ids[j]!);
    return at < 0 ? -1 : slots[at + 2]! * 0x1_0000_0000 + i;
  };
  for (let i = 0; i < n; i++) {
    next[i] = i + 1;
    prev[i] = i - 1;
  }
  for (let i = 0; i < n - 1; i++) {
    current[i] = keyAt(i, i + 1);
    if (current[i]! >= 0) heap.push(current[i]!);
  }
  while (heap.size > 0) {
    const key = heap.pop();
    const i = key % 0x1_0000_0000;
    if (current[i] !== key) continue;
    const j = next[i]!;
    ids[i] = slots[findPair(table, ids[i]!, ids[j]!) + 3]!;
    const after = next[j]!;
    next[i] = after;
    current[j] = -1;
    if (after < n) prev[after] = i;
    current[i] = after < n ? keyAt(i, after) : -1;
    if (current[i]! >= 0) heap.push(current[i]!);
    const before = prev[i]!;
    if (before >= 0) {
      current[before] = keyAt(before, i);
      if (current[before]! >= 0) heap.push(current[before]!);
    }
  }
  let parts = 0;
  for (let i = 0; i < n; i = next[i]!) ids[parts++] = ids[i]!;
  if (n > 1 << 16) heapBuffers = buffersFor(256);
  return parts;
}

/** Reused between words (each merge runs to completion before the next starts); shrunk after a huge word. */
const buffersFor = (n: number) => ({
  next: new Int32Array(n),
  prev: new Int32Array(n),
  current: new Float64Array(n),
  heap: new KeyHeap(n * 3),
});
let heapBuffers = buffersFor(256);
