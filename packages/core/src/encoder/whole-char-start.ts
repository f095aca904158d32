import { lookupRank, pairRank, type RankTable } from "./rank-table.js";

/**
 * Starting a merge from whole characters instead of bytes, exactly.
 *
 * A piece of CJK text is three bytes a character, and two thirds of its merges happen inside
 * characters. A character `c` may be merged on its own first (it is *eager*) when no token that
 * could join one of its boundary parts with its neighbours ranks at or below `M(c)`, the highest
 * rank of `c`'s own merges. Its boundary parts are the parts its first and its last byte belong
 * to while it merges alone; a token joining them with the neighbours starts with a suffix part
 * of `c` followed by the next character's first byte, or ends with the previous character's
 * last byte followed by a prefix part of `c`.
 *
 * Why that gives tiktoken's result: while an eager `c` is unfinished it has a pending pair of
 * rank <= M(c), so no pair touching `c` (all rank > M(c)) is ever the lowest of the piece; the
 * real merge touches `c` only once it is finished. At every step the lowest pair of the real
 * merge is then also the lowest pair of the same state with every eager character finished (a
 * pair touching an eager character finished early ranks > M(c) >= that step's rank; ties
 * between the rest break by position in both). Both make the same merges in the same order.
 *
 * A character that is not eager may still take its first merge alone (in Devanagari, where a
 * third of the characters are not eager, mostly its lead pair): when no token that could join
 * its boundary parts before and after that merge ranks at or below that merge's rank `r1`, and
 * its second merge, if any, ranks above `r1`. The same argument with `M(c)` = `r1`: while that
 * merge is pending nothing touching `c` is the lowest pair, and in the state with it made early,
 * `c`'s pending pair ranks above every merge the real merge makes elsewhere until it too gets
 * there, so both again make the same merges.
 *
 * The joins are read from the vocabulary once per encoder (`buildJoins`): for each token that
 * ends a multi-byte character, the tokens that go on from it across a character boundary (by
 * that boundary's byte), and for each token that starts with a UTF-8 lead byte, the tokens
 * that end with it (by the byte before). A character that is not eager keeps its bytes, so
 * this only ever saves work.
 */
/**
 * Linked lists by token: for token `t`, entries `e = head[t]`, `next[e]`, ... (-1 ends), each a
 * longer token of rank `rank[e]` that joins `t` with byte `byte[e]` beside it.
 */
interface JoinList {
  readonly head: Int32Array;
  next: Int32Array;
  byte: Uint8Array;
  rank: Int32Array;
  size: number;
}

interface Joins {
  /** Tokens that go on from `t` (a character's tail), by the byte after `t`. */
  readonly right: JoinList;
  /** Tokens that end with `t` (a character's head), by the byte before `t`. */
  readonly left: JoinList;
}

/**
 * Per BMP code point, `SLOTS` words: its ids merged alone (-1 after the last, UNKNOWN in the
 * first until computed), then where its record starts in `masks` (-1: it has no merges of its
 * own, so nothing to check). A record is `RECORD_WORDS` words: masks of the bytes after it and
 * before it (8 words each) by which a token would join it before its merges are done, the same
 * two masks for its first merge alone, and its ids after that first merge (-1 after the last;
 * -1 first when it cannot take its first merge alone).
 */
interface CharTable {
  readonly joins: Joins;
  readonly bmp: Int32Array;
  masks: Int32Array;
  maskCount: number;
  /** Code points above U+FFFF: ids and masks in one array each, bounded. */
  readonly astral: Map<number, Int32Array>;
}

const SLOTS = 4;
/** Where a record's masks for the first merge alone start, and its ids after that merge. */
const FIRST_MERGE_MASKS = 16;
const FIRST_MERGE_IDS = 32;
const RECORD_WORDS = 36;
const UNKNOWN = -2;
/** Seen once, not merged yet: a character's table work is done on its second sighting. */
const SEEN = -4;
const SEEN_ONCE = new Int32Array(0);
const ASTRAL_LIMIT = 4_096;

/**
 * The tables cost one pass over the vocabulary: they are built once an
 * encoder has merged this many bytes of pieces with multi-byte characters the byte way, so a
 * few short counts never pay for them and a long text does, once.
 */
const BUILD_AFTER_BYTES = 8_192;
/** ...by a piece of at most this many bytes: a single long piece (a worst case) never waits for the build. */
const BUILD_FROM_PIECES_UP_TO = 1_024;

/** Per rank table: its character tables once built, else how many bytes have been merged without them. */
const states = new WeakMap<RankTable, CharTable | number>();

/** The table's character data, or undefined while too little text has needed it to pay for it. */
function charTableOf(table: RankTable, pieceBytes: number): CharTable | undefined {
  const state = states.get(table) ?? 0;
  if (typeof state !== "number") return state;
  const merged = state + pieceBytes;
  if (merged < BUILD_AFTER_BYTES || pieceBytes > BUILD_FROM_PIECES_UP_TO) {
    states.set(table, merged);
    return undefined;
  }
  const chars: CharTable = {
    joins: buildJoins(table),
    bmp: new Int32Array(0x10000 * SLOTS).fill(UNKNOWN),
    // Room for 8,192 characters: untouched pages cost nothing, and each doubling copies.
    masks: new Int32Array(RECORD_WORDS * 8_192),
    maskCount: 0,
    astral: new Map(),
  };
  states.set(table, chars);
  return chars;
}

const isContinuation = (b: number) => b >= 0x80 && b < 0xc0;

/**
 * One pass over the vocabulary. A part a character goes through lies inside that character, so
 * only two cuts of a token matter: after its first character when that is a multi-byte one
 * (the token goes on from that character's tail), and before its last character when that is
 * a multi-byte one (the token ends with that character's head). At most two short lookups a
 * token, none for the ASCII ones; each token is in at most one list of each side.
 */
function buildJoins(table: RankTable): Joins {
  const { bytes, offsets, size } = table;
  const right = newJoinList(size);
  const left = newJoinList(size);
  for (let rank = 0; rank < size; rank++) {
    const from = offsets[rank]!;
    const to = offsets[rank + 1]!;
    if (to - from < 2) continue;
    if (bytes[from]! >= 0x80) {
      let first = from + 1;
      while (first < to && isContinuation(bytes[first]!)) first++;
      const s = first < to && first - from <= 4 ? lookupRank(table, bytes, from, first) : -1;
      if (s >= 0) addJoin(right, s, bytes[first]!, rank);
    }
    if (bytes[to - 1]! >= 0x80) {
      let last = to - 1;
      while (last > from && isContinuation(bytes[last]!)) last--;
      const p = last > from && bytes[last]! >= 0xc0 && to - last <= 4 ? lookupRank(table, bytes, last, to) : -1;
      if (p >= 0) addJoin(left, p, bytes[last - 1]!, rank);
    }
  }
  return { right: trimmed(right), left: trimmed(left) };
}

/** Room for one entry per token: each token is in at most one list of each side. */
const newJoinList = (tokens: number): JoinList => ({
  head: new Int32Array(tokens).fill(-1),
  next: new Int32Array(tokens),
  byte: new Uint8Array(tokens),
  rank: new Int32Array(tokens),
  size: 0,
});

function addJoin(list: JoinList, token: number, byte: number, rank: number): void {
  const e = list.size++;
  list.next[e] = list.head[token]!;
  list.head[token] = e;
  list.byte[e] = byte;
  list.rank[e] = rank;
}

/** The list with only the entries used. */
const trimmed = (list: JoinList): JoinList => ({
  ...list,
  next: list.next.slice(0, list.size),
  byte: list.byte.slice(0, list.size),
  rank: list.rank.slice(0, list.size),
});

/** Sets, in `mask` from word `wordAt`, the bit of each byte by which a token of rank <= `highest` joins one of `parts`. */
function markJoins(list: JoinList, parts: Int32Array, count: number, highest: number, wordAt: number): void {
  for (let i = 0; i < count; i++) {
    for (let e = list.head[parts[i]!]!; e >= 0; e = list.next[e]!) {
      if (list.rank[e]! <= highest) mask[wordAt + (list.byte[e]! >> 5)]! |= 1 << (list.byte[e]! & 31);
    }
  }
}

const charBytes = new Uint8Array(4);
const charIds = new Int32Array(4);
const charEnds = new Int32Array(4);
/** The record `mergeChar` writes (see `CharTable`). */
const mask = new Int32Array(RECORD_WORDS);
/** The parts a character's first and last byte belong to as it merges alone: at most one more than its merges. */
const prefixes = new Int32Array(4);
const suffixes = new Int32Array(4);

/**
 * Merges the `length` bytes in `charBytes` alone, writes its ids to `ids[at..at + slots)` (-1
 * after the last) and its masks to `mask`; returns false when it has no merges of its own.
 */
function mergeChar(table: RankTable, joins: Joins, length: number, ids: Int32Array, at: number, slots: number): boolean {
  let n = length;
  for (let i = 0; i < n; i++) {
    charIds[i] = table.byteRanks[charBytes[i]!]!;
    charEnds[i] = i + 1;
  }
  let prefixCount = 1;
  let suffixCount = 1;
  prefixes[0] = charIds[0]!;
  suffixes[0] = charIds[n - 1]!;
  let highest = -1;
  let merges = 0;
  // Before the second merge: whether the first can be taken alone, and the masks' inputs for it.
  let firstRank = -1;
  let firstPrefixes = 0;
  let firstSuffixes = 0;
  mask.fill(0);
  for (;;) {
    let best = 0x7fffffff;
    let pick = -1;
    for (let i = 0; i < n - 1; i++) {
      const rank = pairRank(table, charIds[i]!, charIds[i + 1]!, charBytes, i === 0 ? 0 : charEnds[i - 1]!, charEnds[i + 1]!);
      if (rank >= 0 && rank < best) {
        best = rank;
        pick = i;
      }
    }
    if (pick < 0) break;
    if (merges === 1) {
      // The first merge can be taken alone only when the second ranks above it.
      if (best <= firstRank) firstRank = -1;
      writeIds(mask, FIRST_MERGE_IDS, RECORD_WORDS - FIRST_MERGE_IDS, n);
    }
    highest = Math.max(highest, best); // a later merge can rank below an earlier one
    charIds[pick] = best;
    charEnds[pick] = charEnds[pick + 1]!;
    for (let i = pick + 1; i < n - 1; i++) {
      charIds[i] = charIds[i + 1]!;
      charEnds[i] = charEnds[i + 1]!;
    }
    n--;
    if (pick === 0) prefixes[prefixCount++] = charIds[0]!;
    if (pick === n - 1) suffixes[suffixCount++] = charIds[n - 1]!;
    if (merges++ === 0) {
      firstRank = best;
      firstPrefixes = prefixCount;
      firstSuffixes = suffixCount;
    }
  }
  writeIds(ids, at, slots, n);
  if (highest < 0) return false;
  markJoins(joins.right, suffixes, suffixCount, highest, 0);
  markJoins(joins.left, prefixes, prefixCount, highest, 8);
  // One merge in all is the whole character: the masks above decide it.
  if (merges < 2 || firstRank < 0) mask[FIRST_MERGE_IDS] = -1;
  else {
    markJoins(joins.right, suffixes, firstSuffixes, firstRank, FIRST_MERGE_MASKS);
    markJoins(joins.left, prefixes, firstPrefixes, firstRank, FIRST_MERGE_MASKS + 8);
  }
  return true;
}

/** Writes the character's `n` ids as merged so far to `to[at..at + count)`, -1 after the last. */
function writeIds(to: Int32Array, at: number, count: number, n: number): void {
  for (let i = 0; i < count; i++) to[at + i] = i < n ? charIds[i]! : -1;
}

/** Stores `mask` in the pool; returns its offset. */
function keepMask(chars: CharTable): number {
  if (chars.maskCount + RECORD_WORDS > chars.masks.length) {
    const grown = new Int32Array(chars.masks.length * 2);
    grown.set(chars.masks);
    chars.masks = grown;
  }
  const at = chars.maskCount;
  chars.masks.set(mask, at);
  chars.maskCount += RECORD_WORDS;
  return at;
}

const hasBit = (words: Int32Array, at: number, byte: number) => (words[at + (byte >> 5)]! & (1 << (byte & 31))) !== 0;

/** Whether the masks at `at` (after, then before) let no token join `buf[from..to)` with its neighbours in `buf[start..end)`. */
const joinsNeither = (masks: Int32Array, at: number, buf: Uint8Array, start: number, from: number, to: number, end: number) =>
  (from === start || !hasBit(masks, at + 8, buf[from - 1]!)) && (to === end || !hasBit(masks, at, buf[to]!));

/**
 * Writes the initial parts of `buf[start..end)`, a piece with a byte >= 0x80: eager characters
 * merged alone, everything else byte by byte; `starts[k]` is part k's absolute byte offset,
 * `ids[k]` its id, `starts[parts]` is `end`. Returns the number of parts, or -1 (nothing
 * written) while the tables are not built.
 */
export function wholeCharStart(table: RankTable, buf: Uint8Array, start: number, end: number, starts: Int32Array, ids: Int32Array): number {
  const chars = charTableOf(table, end - start);
  if (chars === undefined) return -1;
  const { byteRanks, offsets } = table;
  let k = 0;
  let i = start;
  while (i < end) {
    const b = buf[i]!;
    if (b < 0x80) {
      starts[k] = i;
      ids[k++] = byteRanks[b]!;
      i++;
      continue;
    }
    const length = b < 0xe0 ? 2 : b < 0xf0 ? 3 : 4;
    let slots: Int32Array | undefined;
    let at = 0;
    let maskAt = -1;
    if (length < 4) {
      const cp =
        length === 2 ? ((b & 0x1f) << 6) | (buf[i + 1]! & 0x3f) : ((b & 0x0f) << 12) | ((buf[i + 1]! & 0x3f) << 6) | (buf[i + 2]! & 0x3f);
      at = cp * SLOTS;
      const state = chars.bmp[at]!;
      if (state === UNKNOWN) chars.bmp[at] = SEEN;
      else {
        if (state === SEEN) {
          for (let j = 0; j < length; j++) charBytes[j] = buf[i + j]!;
          chars.bmp[at + 3] = mergeChar(table, chars.joins, length, chars.bmp, at, 3) ? keepMask(chars) : -1;
        }
        slots = chars.bmp;
        maskAt = slots[at + 3]!;
      }
    } else {
      const cp = ((b & 0x07) << 18) | ((buf[i + 1]! & 0x3f) << 12) | ((buf[i + 2]! & 0x3f) << 6) | (buf[i + 3]! & 0x3f);
      const known = chars.astral.get(cp);
      if (chars.astral.size >= ASTRAL_LIMIT) chars.astral.clear();
      if (known === undefined) chars.astral.set(cp, SEEN_ONCE);
      else if (known === SEEN_ONCE) {
        for (let j = 0; j < 4; j++) charBytes[j] = buf[i + j]!;
        slots = new Int32Array(4 + RECORD_WORDS);
        if (mergeChar(table, chars.joins, 4, slots, 0, 4)) slots.set(mask, 4);
        chars.astral.set(cp, slots);
        maskAt = 4;
      } else {
        slots = known;
        maskAt = 4;
      }
    }
    const masks = slots === chars.bmp ? chars.masks : slots;
    // A character seen for the first time keeps its bytes: one that never comes back (a long
    // run of rare characters) costs no table work.
    const eager = slots !== undefined && (maskAt < 0 || joinsNeither(masks!, maskAt, buf, start, i, i + length, end));
    // Else its first merge alone, where that is the same (see the header).
    const firstAt = maskAt + FIRST_MERGE_IDS;
    const partial =
      !eager &&
      slots !== undefined &&
      masks![firstAt]! >= 0 &&
      joinsNeither(masks!, maskAt + FIRST_MERGE_MASKS, buf, start, i, i + length, end);
    if (eager || partial) {
      const from = eager ? slots! : masks!;
      const first = eager ? at : firstAt;
      // The last part ends with the character: a character that is one token reads no length.
      let byte = i;
      for (let j = 0; ; ) {
        const id = from[first + j]!;
        starts[k] = byte;
        ids[k++] = id;
        if (++j === length || from[first + j]! < 0) break;
        byte += offsets[id + 1]! - offsets[id]!;
      }
    } else {
      for (let j = 0; j < length; j++) {
        starts[k] = i + j;
        ids[k++] = byteRanks[buf[i + j]!]!;
      }
    }
    i += length;
  }
  starts[k] = end;
  return k;
}
