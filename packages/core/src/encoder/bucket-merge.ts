import { heapMerge } from "./heap-merge.js";
import { pairRank, type RankTable } from "./rank-table.js";
import { wholeCharStart } from "./whole-char-start.js";

/**
 * Merging a piece too long for the scan (one letter repeated, Chinese without punctuation, a
 * run of emoji or spaces) exactly as tiktoken's loop does, in time linear in its merges.
 *
 * Pairs wait in buckets by rank, and buckets open lowest rank first. A merge makes at most two
 * new pairs, each holding the new token, so each is a longer byte string than the open bucket's
 * token and has another rank. While every new pair ranks higher than the open bucket, that
 * bucket's rank stays the lowest of the piece until it is empty, and its pairs taken left to
 * right, skipping those no longer current, are tiktoken's merges in tiktoken's order. A new pair
 * ranking lower ends this, and the piece starts over in the general heap merge
 * (`heap-merge.ts`). None did in 7,200 long pieces of the benchmark corpora in each of
 * o200k, cl100k, p50k and r50k; the tests build vocabularies where it does.
 *
 * A bucket lists its entries in the order they came. A merge adds its pairs left to right, so
 * a list needs sorting only when an entry lands left of the one before it (noted on adding,
 * sorted on opening). Entries: n - 1 to start and at most two a merge, so at most 3n.
 *
 * Parts are kept as lengths, one byte each at their first byte's offset: every part is a token,
 * and the table's tokens are at most 255 bytes here (a table with longer ones goes to the heap
 * merge). A page of fresh memory costs more to fault in than the merge spends on it, so the
 * scratch is as few bytes a byte as it can be: 6, plus 8 an entry. An entry needs no rank
 * beside it: the pair at an offset only grows, so it is still the open bucket's pair exactly
 * when its part is alive and the pair is as long as the bucket's token.
 *
 * The loops run `STEPS` steps a call: V8 switches a function to optimised code only when it is
 * called, and a loop that runs long within one call it compiles a second time to switch to
 * mid-loop, and again as a whole at the next piece. In a fresh process that compiling cost
 * more than the merge.
 */

/** Scratch for pieces up to this many bytes is kept between calls; a longer piece gets its own, freed after. */
const KEEP_SCRATCH = 1 << 15;
const STEPS = 64;
/** Bytes `linkBytes` links a call: a byte costs a small part of a merge step. */
const LINK_STEPS = 1024;
/** The most bytes a part's length holds. */
const MAX_PART_BYTES = 255;

interface Scratch {
  /** Each part's length at its first byte's offset; 0 once the part is merged into the one before it. */
  lengths: Uint8Array;
  /** At each part's offset but the first's, the length of the part before it. */
  previous: Uint8Array;
  partIds: Int32Array;
  /** Bucket entries: a part's offset, and the next entry of the same bucket (-1 ends). */
  entryPos: Int32Array;
  entryNext: Int32Array;
  /**
   * Room to sort a bucket's offsets. A bucket holds an offset at most once (the pair at an
   * offset only ever grows, so it is another token each time), so n is room enough.
   */
  order: Int32Array;
}

/**
 * Sizes `own`'s arrays for a piece of n bytes, all in one buffer: each allocation of its own
 * cost a page fault or more even where nothing was written (the allocator clears what it
 * reuses), and most of the room is never written (entries are sized for the worst piece).
 */
function sizeScratch(own: Scratch, n: number): void {
  // Widest first, so that every view starts aligned to its element.
  const buffer = new ArrayBuffer(n * 4 * 8 + n * 2);
  let at = 0;
  const int32s = (length: number): Int32Array => {
    const view = new Int32Array(buffer, at, length);
    at += length * 4;
    return view;
  };
  // At least n + 1: `linkChars` borrows it for the characters' offsets.
  own.entryPos = int32s(n * 3);
  own.entryNext = int32s(n * 3);
  own.partIds = int32s(n);
  own.order = int32s(n);
  own.lengths = new Uint8Array(buffer, at, n);
  own.previous = new Uint8Array(buffer, at + n, n);
}

// One object whose arrays are swapped, not a new object per size: V8's optimised code for a
// field never written again assumes it stays so, and a new object would throw that code away.
const scratch: Scratch = {
  lengths: new Uint8Array(0),
  previous: new Uint8Array(0),
  partIds: new Int32Array(0),
  entryPos: new Int32Array(0),
  entryNext: new Int32Array(0),
  order: new Int32Array(0),
};

/**
 * Per rank table, by rank: the first and last entry of its bucket (-1: empty), and whether it
 * needs sorting. Which buckets hold entries is one bit a rank in `live`, and one bit a word of
 * `live` in `summary`. A pair queued while a bucket is open ranks above it, so the lowest
 * bucket is found by a cursor that only moves forward: at most `size / 1024` words a piece.
 */
interface Buckets {
  readonly head: Int32Array;
  readonly tail: Int32Array;
  readonly unsorted: Uint8Array;
  readonly live: Int32Array;
  readonly summary: Int32Array;
}

const bucketsByTable = new WeakMap<RankTable, Buckets>();

function bucketsOf(table: RankTable): Buckets {
  let buckets = bucketsByTable.get(table);
  if (buckets === undefined) {
    const live = new Int32Array((table.size >> 5) + 1);
    buckets = {
      head: new Int32Array(table.size).fill(-1),
      tail: new Int32Array(table.size),
      unsorted: new Uint8Array(table.size),
      live,
      summary: new Int32Array((live.length >> 5) + 1),
    };
    bucketsByTable.set(table, buckets);
  }
  return buckets;
}

/**
 * Merges `buf[start..start + n)`; pushes the ids to `out` when given; returns how many tokens it
 * is. A caller that has already worked out the piece's first parts passes them as `wholeCharStart`
 * writes them (`firstStarts[k]` absolute, `firstStarts[firstCount]` the end, `firstIds[k]`).
 */
export function bucketMerge(
  table: RankTable,
  buf: Uint8Array,
  start: number,
  n: number,
  out: number[] | undefined,
  firstStarts?: Int32Array,
  firstIds?: Int32Array,
  firstCount = 0,
): number {
  if (table.maxTokenBytes > MAX_PART_BYTES) return heapMerge(table, buf, start, n, out);
  const own = scratch;
  if (n > own.lengths.length) sizeScratch(own, n);
  const parts =
    firstStarts === undefined ? linkParts(own, table, buf, start, n) : placeParts(own, start, firstStarts, firstIds!, firstCount);
  const merges = mergeByRank(own, table, buf, start, n);
  let tokens: number;
  if (merges < 0) tokens = heapMerge(table, buf, start, n, out);
  else {
    tokens = parts - merges;
    if (out) for (let i = 0; i < n; i += own.lengths[i]!) out.push(own.partIds[i]!);
  }
  if (n > KEEP_SCRATCH) sizeScratch(own, 0);
  return tokens;
}

/** Links the piece's first parts (whole characters where `wholeCharStart` allows, else bytes); returns how many. */
function linkParts(own: Scratch, table: RankTable, buf: Uint8Array, start: number, n: number): number {
  let high = 0;
  for (let from = 0; from < n; from += LINK_STEPS) high |= linkBytes(own, table, buf, start, from, Math.min(n, from + LINK_STEPS));
  return high < 0x80 ? n : linkChars(own, table, buf, start, n);
}

/** Links bytes `from..to` of the piece as parts; returns their bits or'ed, which tell whether any starts a multi-byte character. */
function linkBytes(
  { lengths, previous, partIds }: Scratch,
  { byteRanks }: RankTable,
  buf: Uint8Array,
  start: number,
  from: number,
  to: number,
): number {
  let high = 0;
  for (let i = from; i < to; i++) {
    const b = buf[start + i]!;
    high |= b;
    lengths[i] = 1;
    previous[i] = 1; // Read only at parts after the first.
    partIds[i] = byteRanks[b]!;
  }
  return high;
}

/** Relinks whole characters as parts where `wholeCharStart` allows; returns how many parts (n when it does not yet). */
function linkChars(own: Scratch, table: RankTable, buf: Uint8Array, start: number, n: number): number {
  // The entries are not written yet: the characters' offsets borrow their room.
  const parts = wholeCharStart(table, buf, start, start + n, own.entryPos, own.partIds);
  return parts < 0 ? n : placeParts(own, start, own.entryPos, own.partIds, parts);
}

/**
 * Links the `parts` parts starting at `starts[k]` (absolute; `starts[parts]` is the end) with ids
 * `ids[k]`, each at its offset; returns `parts`. Only the parts' offsets are read later, so the
 * bytes inside a part need nothing written.
 */
function placeParts({ lengths, previous, partIds }: Scratch, start: number, starts: Int32Array, ids: Int32Array, parts: number): number {
  // Part k moves to its offset, which is k or more: from the last part down, nothing is
  // overwritten before it is read when `ids` is `partIds` itself.
  for (let k = parts - 1; k >= 0; k--) {
    const i = starts[k]! - start;
    partIds[i] = ids[k]!;
    lengths[i] = starts[k + 1]! - starts[k]!;
    previous[i] = k > 0 ? starts[k]! - starts[k - 1]! : 0;
  }
  return parts;
}

// The merge's state between calls of `queueSteps` and `mergeSteps`.
let entries = 0;
/** The part whose pair is queued next; n once every first pair is queued. */
let queueAt = 0;
let openRank = -1;
/** The length of the open bucket's token. */
let openLength = 0;
/** The open bucket's next entry (-1: none left). */
let openEntry = -1;
let merges = 0;
/** The word of `summary` where the lowest live bucket is looked for next. */
let scanAt = 0;

/**
 * The number of merges, or -1 when a merge made a pair ranking below the open bucket.
 *
 * Queueing the first pairs, opening a bucket and merging its entries are three functions: V8
 * compiles a function once it has run a while, with the type feedback of what it has run so
 * far, and throws the code away where it meets an operation that had not run yet. A function
 * that both queued and merged was compiled while queueing, and thrown away at its first merge.
 */
function mergeByRank(own: Scratch, table: RankTable, buf: Uint8Array, start: number, n: number): number {
  const buckets = bucketsOf(table);
  entries = 0;
  openRank = -1;
  merges = 0;
  scanAt = 0;
  for (queueAt = 0; queueAt < n; ) queueSteps(own, buckets, table, buf, start, n);
  for (let rank = takeLowestRank(buckets); rank >= 0; rank = takeLowestRank(buckets)) {
    openBucket(own, buckets, table, rank);
    while (openEntry >= 0) {
      if (mergeSteps(own, buckets, table, buf, start, n)) continue;
      const { head, unsorted } = buckets;
      for (let rest = takeLowestRank(buckets); rest >= 0; rest = takeLowestRank(buckets)) {
        head[rest] = -1;
        unsorted[rest] = 0;
      }
      return -1;
    }
  }
  return merges;
}

/** Queues the pairs of up to `STEPS` first parts (no bucket is open: every rank is in order). */
function queueSteps(own: Scratch, buckets: Buckets, table: RankTable, buf: Uint8Array, start: number, n: number): void {
  for (let step = 0; step < STEPS && queueAt < n; step++) {
    const left = queueAt;
    queueAt += own.lengths[left]!;
    queuePair(own, buckets, table, buf, start, n, left);
  }
}

/** Queues the pair of the part at `left` and the next, if any and a token; false when it ranks at or below the open bucket. */
function queuePair(own: Scratch, buckets: Buckets, table: RankTable, buf: Uint8Array, start: number, n: number, left: number): boolean {
  const { lengths, partIds } = own;
  const right = left + lengths[left]!;
  if (right >= n) return true;
  const rank = pairRank(table, partIds[left]!, partIds[right]!, buf, start + left, start + right + lengths[right]!);
  if (rank < 0) return true;
  if (rank <= openRank) return false;
  addEntry(own, buckets, rank, left);
  return true;
}

/**
 * Takes up to `STEPS` entries of the open bucket and, for each whose pair is still current,
 * merges it and queues the two pairs it makes; false when one of those ranks at or below the
 * open bucket.
 */
function mergeSteps(own: Scratch, buckets: Buckets, table: RankTable, buf: Uint8Array, start: number, n: number): boolean {
  const { lengths, previous, partIds, entryPos, entryNext } = own;
  for (let step = 0; step < STEPS && openEntry >= 0; step++) {
    // No entry joins the open bucket while it is open: every new pair ranks higher.
    const i = entryPos[openEntry]!;
    openEntry = entryNext[openEntry]!;
    const length = lengths[i]!;
    const right = i + length;
    // Merged away (length 0), last, or grown since it was queued.
    if (length === 0 || right >= n || length + lengths[right]! !== openLength) continue;
    const pairEnd = i + openLength;
    lengths[right] = 0;
    lengths[i] = openLength;
    partIds[i] = openRank;
    if (pairEnd < n) previous[pairEnd] = openLength;
    merges++;
    // One call site for both pairs keeps the loop's optimised code small (V8 inlines each site).
    for (let side = 0; side < 2; side++) {
      const left = side === 0 ? i : i > 0 ? i - previous[i]! : -1;
      if (left < 0) break;
      if (!queuePair(own, buckets, table, buf, start, n, left)) return false;
    }
  }
  return true;
}

function addEntry(own: Scratch, { head, tail, unsorted, live, summary }: Buckets, rank: number, at: number): void {
  const e = entries++;
  own.entryPos[e] = at;
  own.entryNext[e] = -1;
  const first = head[rank]!;
  // Stores either way, not in a branch for a new bucket: that branch runs a few times a piece,
  // so V8 compiles the merge before it has type feedback, and throws that code away when it runs.
  const word = rank >> 5;
  live[word] = live[word]! | (1 << (rank & 31));
  summary[word >> 5] = summary[word >> 5]! | (1 << (word & 31));
  head[rank] = first < 0 ? e : first;
  if (first >= 0) {
    unsorted[rank] = unsorted[rank]! | (at < own.entryPos[tail[rank]!]! ? 1 : 0);
    own.entryNext[tail[rank]!] = e;
  }
  tail[rank] = e;
}

const lowestBit = (bits: number) => 31 - Math.clz32(bits & -bits);

/** The lowest rank whose bucket holds entries, no longer marked so; -1 when none does. */
function takeLowestRank({ live, summary }: Buckets): number {
  while (scanAt < summary.length && summary[scanAt] === 0) scanAt++;
  if (scanAt === summary.length) return -1;
  const words = summary[scanAt]!;
  const word = (scanAt << 5) | lowestBit(words);
  const bits = live[word]!;
  live[word] = bits & (bits - 1);
  // The word's bit is the lowest of `words`.
  if (live[word] === 0) summary[scanAt] = words & (words - 1);
  return (word << 5) | lowestBit(bits);
}

/** Opens rank `rank`'s bucket, its entries sorted by offset. */
function openBucket(own: Scratch, { head, unsorted }: Buckets, { offsets }: RankTable, rank: number): void {
  openEntry = head[rank]!;
  head[rank] = -1;
  if (unsorted[rank] === 1) {
    unsorted[rank] = 0;
    sortEntries(own, openEntry);
  }
  openRank = rank;
  openLength = offsets[rank + 1]! - offsets[rank]!;
}

/** Sorts the offsets of the entries linked from `first`, in place along the list. */
function sortEntries({ entryPos, entryNext, order }: Scratch, first: number): void {
  let size = 0;
  for (let e = first; e >= 0; e = entryNext[e]!) order[size++] = entryPos[e]!;
  order.subarray(0, size).sort();
  size = 0;
  for (let e = first; e >= 0; e = entryNext[e]!) entryPos[e] = order[size++]!;
}
