import { buildRankTable, lookupRank, type RankTable } from "../encoder/index.js";
import { byteLevelBytes } from "./byte-level.js";
import { buildPairTable, type PairTable } from "./pair-merge.js";
import type { TokenizerJson } from "./tokenizer-json.js";

/** A `tokenizer.json`'s tokens as the encoder looks them up. */
export interface Vocabulary {
  /** Id by token string (the vocabulary's and the added tokens'). */
  idOf: Map<string, number>;
  /** Each id's bytes as the text spells them (`offsets[id]..offsets[id + 1]` of `table.bytes`): what a whole-word and a character lookup match. */
  table: RankTable;
  /** The merge list by priority. */
  pairs: PairTable;
  /** Byte-level vocabularies: the id of each byte's character. */
  byteIds: Int32Array;
  /** Byte-fallback vocabularies: the id of `<0xAB>` for each byte, or -1. */
  fallbackIds: Int32Array;
  hasFallback: boolean;
  /** The unknown token's id, or -1. */
  unkId: number;
}

/**
 * Builds the lookup tables of a `tokenizer.json`'s vocabulary, merges and byte tokens. Throws a
 * TypeError on a merge that names a token outside the vocabulary, or a byte-level vocabulary
 * that lacks a byte.
 */
export function buildVocabulary(name: string, json: TokenizerJson, byteLevel: boolean): Vocabulary {
  const { model } = json;
  const idOf = new Map<string, number>(Object.entries(model.vocab));
  for (const t of json.added_tokens) idOf.set(t.content, t.id);
  const table = spelledTable(idOf, byteLevel);
  const merges = model.merges.map((merge) => {
    const [a, b] = typeof merge === "string" ? splitMerge(merge) : merge;
    const ids = [idOf.get(a), idOf.get(b), idOf.get(a + b)] as const;
    if (ids.some((id) => id === undefined)) throw new TypeError(`${name}: merge "${a} ${b}" names a token outside the vocabulary`);
    return ids as readonly [number, number, number];
  });
  const byteIds = new Int32Array(256).fill(-1);
  const fallbackIds = new Int32Array(256).fill(-1);
  for (let b = 0; b < 256; b++) {
    if (byteLevel) byteIds[b] = lookupRank(table, Uint8Array.of(b), 0, 1);
    fallbackIds[b] = idOf.get(`<0x${b.toString(16).toUpperCase().padStart(2, "0")}>`) ?? -1;
  }
  if (byteLevel && byteIds.includes(-1)) throw new TypeError(`${name}: a byte-level vocabulary must hold all 256 bytes`);
  return {
    idOf,
    table,
    pairs: buildPairTable(merges),
    byteIds,
    fallbackIds,
    hasFallback: model.byte_fallback === true && !fallbackIds.includes(-1),
    unkId: model.unk_token != null ? (idOf.get(model.unk_token) ?? -1) : -1,
  };
}

/** Every id's bytes as the text spells them, in one pool, as a rank table. */
function spelledTable(idOf: Map<string, number>, byteLevel: boolean): RankTable {
  let size = 0;
  for (const id of idOf.values()) size = Math.max(size, id + 1);
  const utf8 = new TextEncoder();
  const spelled: Array<Uint8Array | undefined> = new Array(size);
  for (const [token, id] of idOf) spelled[id] = byteLevel ? byteLevelBytes(token) : utf8.encode(token);
  const offsets = new Uint32Array(size + 1);
  let poolLength = 0;
  for (let id = 0; id < size; id++) poolLength += spelled[id]?.length ?? 0;
  const pool = new Uint8Array(poolLength);
  for (let id = 0, at = 0; id < size; id++) {
    const bytes = spelled[id];
    if (bytes) pool.set(bytes, at);
    at += bytes?.length ?? 0;
    offsets[id + 1] = at;
  }
  return buildRankTable(pool, offsets);
}

/** `"a b"`: tokens hold no space in the string form of merges. */
function splitMerge(merge: string): [string, string] {
  const space = merge.indexOf(" ", 1);
  return [merge.slice(0, space), merge.slice(space + 1)];
}
