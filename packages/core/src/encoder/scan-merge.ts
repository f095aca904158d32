import { bucketMerge } from "./bucket-merge.js";
import { lowestAt, NONE } from "./lowest-at.js";
import { pairRank, type RankTable } from "./rank-table.js";
import { wholeCharStart } from "./whole-char-start.js";

/**
 * Above this many parts a piece merges by rank buckets (`bucket-merge.ts`), linear in its
 * merges; up to it the plain scan of tiktoken's own merge loop is faster, and it costs at most
 * this many steps a merge. Pieces with more are rare in prose (a long Japanese clause starts
 * from whole characters, 3 bytes a part) but make up whole inputs in the worst cases (one
 * letter repeated, Chinese without punctuation, emoji runs).
 */
const SCAN_MAX_PARTS = 96;
/** A part starts as one character at most, so a longer piece has more parts than the scan takes. */
const SCAN_MAX_BYTES = 4 * SCAN_MAX_PARTS;

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
  if (n > SCAN_MAX_BYTES) return bucketMerge(table, buf, start, n, out);
  const parts = firstParts(table, buf, start, n);
  return parts > SCAN_MAX_PARTS ? bucketMerge(table, buf, start, n, out, bounds, ids, parts) : scanMerge(table, buf, parts, out);
}

/** Writes the piece's first parts to `bounds` and `ids` (whole characters where `wholeCharStart` allows, else bytes); returns how many. */
function firstParts(table: RankTable, buf: Uint8Array, start: number, n: number): number {
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
  const fromChars = high >= 0x80 ? wholeCharStart(table, buf, start, start + n, bounds, ids) : -1;
  return fromChars >= 0 ? fromChars : n;
}

function scanMerge(table: RankTable, buf: Uint8Array, parts: number, out: number[] | undefined): number {
  for (let i = 0; i < parts - 1; i++) pairRanks[i] = rankOrNone(table, buf, i);
  while (parts > 1) {
    const at = lowestAt(pairRanks, parts - 1);
    if (at < 0) break;
    ids[at] = pairRanks[at]!;
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
