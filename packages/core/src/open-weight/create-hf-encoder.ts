import type { Encoder } from "../encoder/create-encoder.js";
import type { OpenWeightEncodingName } from "../encoder/encodings.js";
import { buildRankTable, lookupRank } from "../encoder/rank-table.js";
import { type AddedTokenSplitter, createAddedTokenSplitter } from "./added-tokens.js";
import { byteLevelBytes } from "./byte-level.js";
import { buildPairTable, mergeSymbols } from "./pair-merge.js";
import type { NormalizerJson, PreTokenizerJson, TokenizerJson } from "./tokenizer-json.js";
import { escapeRegex, translateRegex } from "./translate-regex.js";

/** Words up to this many characters are remembered, up to `WORD_CACHE_LIMIT` of them; then the cache starts over. */
const WORD_CACHE_MAX_CHARS = 64;
const WORD_CACHE_LIMIT = 65_536;
/**
 * Counts of long sections (text between added tokens: a chat message's body) are remembered
 * while their total length stays under `SECTION_CACHE_CHARS`, then the cache starts over: a
 * chat template re-counted for a growing conversation re-encodes only its new messages.
 */
const SECTION_CACHE_MIN_CHARS = 64;
const SECTION_CACHE_CHARS = 4_000_000;

/**
 * An encoder for a Hugging Face BPE `tokenizer.json` (Llama 3, Qwen 2/2.5/3, DeepSeek V3/R1,
 * Gemma 3): added tokens split out first (longest match), then the normalizer, the split
 * pre-tokenizers, and BPE by merge-list priority, with byte fallback where the model has it.
 * Ids equal `@huggingface/tokenizers`' `encode(text, { add_special_tokens: false })`: an
 * added token's text in the input (`<|eot_id|>`) is that token, as servers count prompts.
 * Throws on a `tokenizer.json` that uses a feature it does not implement.
 */
export function createHfEncoder(name: OpenWeightEncodingName, json: TokenizerJson): Encoder {
  const { model } = json;
  if (model.type !== "BPE" || model.dropout || model.continuing_subword_prefix || model.end_of_word_suffix) {
    throw new TypeError(`${name}: only BPE models without dropout or subword affixes are supported`);
  }
  const pre = readPreTokenizer(name, json.pre_tokenizer);
  const normalize = readNormalizer(name, json.normalizer);
  for (const t of json.added_tokens) {
    if (t.lstrip || t.rstrip || t.single_word)
      throw new TypeError(`${name}: added token options lstrip/rstrip/single_word are not supported`);
  }

  const idOf = new Map<string, number>(Object.entries(model.vocab));
  for (const t of json.added_tokens) idOf.set(t.content, t.id);
  let size = 0;
  for (const id of idOf.values()) size = Math.max(size, id + 1);

  // Each id's bytes as the text spells them: what a whole-word lookup and a char lookup match.
  const utf8 = new TextEncoder();
  const spelled: Array<Uint8Array | undefined> = new Array(size);
  for (const [token, id] of idOf) spelled[id] = pre.byteLevel ? byteLevelBytes(token) : utf8.encode(token);
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
  const table = buildRankTable(pool, offsets);

  const merges = model.merges.map((merge) => {
    const [a, b] = typeof merge === "string" ? splitMerge(merge) : merge;
    const ids = [idOf.get(a), idOf.get(b), idOf.get(a + b)] as const;
    if (ids.some((id) => id === undefined)) throw new TypeError(`${name}: merge "${a} ${b}" names a token outside the vocabulary`);
    return ids as readonly [number, number, number];
  });
  const pairs = buildPairTable(merges);

  const byteIds = new Int32Array(256).fill(-1);
  const fallbackIds = new Int32Array(256).fill(-1);
  for (let b = 0; b < 256; b++) {
    if (pre.byteLevel) byteIds[b] = lookupRank(table, Uint8Array.of(b), 0, 1);
    fallbackIds[b] = idOf.get(`<0x${b.toString(16).toUpperCase().padStart(2, "0")}>`) ?? -1;
  }
  if (pre.byteLevel && byteIds.includes(-1)) throw new TypeError(`${name}: a byte-level vocabulary must hold all 256 bytes`);
  const hasFallback = model.byte_fallback === true && !fallbackIds.includes(-1);
  const unkId = model.unk_token != null ? (idOf.get(model.unk_token) ?? -1) : -1;
  const ignoreMerges = model.ignore_merges === true;

  const unnormalizedSplit = createAddedTokenSplitter(json.added_tokens.filter((t) => !t.normalized || normalize === undefined));
  const normalizedTokens = normalize
    ? json.added_tokens.filter((t) => t.normalized).map((t) => ({ content: normalize(t.content), id: t.id }))
    : [];
  const normalizedSplit: AddedTokenSplitter | undefined =
    normalizedTokens.length > 0 ? createAddedTokenSplitter(normalizedTokens) : undefined;

  const wordCache = new Map<string, number[]>();
  const sectionCounts = new Map<string, number>();
  let sectionChars = 0;
  let bytes = new Uint8Array(256);
  let symbols = new Int32Array(256);
  let out: number[] | undefined;
  let total = 0;

  const emit = (id: number) => {
    out?.push(id);
    total++;
  };

  function encodeWord(word: string): void {
    const cacheable = word.length <= WORD_CACHE_MAX_CHARS;
    let ids = cacheable ? wordCache.get(word) : undefined;
    if (ids === undefined) {
      ids = mergeWord(word);
      if (cacheable) {
        if (wordCache.size >= WORD_CACHE_LIMIT) wordCache.clear();
        wordCache.set(word, ids);
      }
    }
    if (out) for (const id of ids) out.push(id);
    total += ids.length;
  }

  function mergeWord(word: string): number[] {
    let n = 0;
    if (pre.byteLevel) {
      if (bytes.length < word.length * 3) bytes = new Uint8Array(word.length * 3);
      n = utf8.encodeInto(word, bytes).written;
      if (ignoreMerges) {
        const whole = lookupRank(table, bytes, 0, n);
        if (whole >= 0) return [whole];
      }
      if (symbols.length < n) symbols = new Int32Array(n);
      for (let i = 0; i < n; i++) symbols[i] = byteIds[bytes[i]!]!;
    } else {
      if (symbols.length < word.length) symbols = new Int32Array(word.length);
      if (bytes.length < 4) bytes = new Uint8Array(4);
      for (const char of word) {
        const length = utf8.encodeInto(char, bytes).written;
        const id = lookupRank(table, bytes, 0, length);
        // An unknown character never merges; -1 - its code point keeps it for the fallback.
        symbols[n++] = id >= 0 ? id : -1 - char.codePointAt(0)!;
      }
      if (ignoreMerges) {
        const wordBytes = utf8.encode(word);
        const whole = lookupRank(table, wordBytes, 0, wordBytes.length);
        if (whole >= 0) return [whole];
      }
    }
    const parts = mergeSymbols(pairs, symbols, n);
    const ids: number[] = [];
    for (let i = 0; i < parts; i++) {
      const id = symbols[i]!;
      if (id >= 0) ids.push(id);
      else fallback(String.fromCodePoint(-1 - id), ids);
    }
    return ids;
  }

  function fallback(char: string, ids: number[]): void {
    if (hasFallback) for (const b of utf8.encode(char)) ids.push(fallbackIds[b]!);
    else if (unkId >= 0) ids.push(unkId);
  }

  /**
   * `@huggingface/tokenizers`' regex split (every match is a piece, and so is the text between
   * matches), with a sticky regex: `test` at each position, which allocates no match arrays.
   * Trying positions in order finds the same leftmost matches as a global search.
   */
  function splitWords(text: string, level: number): void {
    if (level === pre.patterns.length) {
      encodeWord(text);
      return;
    }
    const regex = pre.patterns[level]!;
    const n = text.length;
    let gapStart = 0;
    let pos = 0;
    while (pos < n) {
      regex.lastIndex = pos;
      if (!regex.test(text)) {
        pos += codePointLength(text, pos);
        continue;
      }
      const end = regex.lastIndex;
      if (gapStart < pos) splitWords(text.slice(gapStart, pos), level + 1);
      if (end > pos) {
        splitWords(pos === 0 && end === n ? text : text.slice(pos, end), level + 1);
        pos = end;
        gapStart = end;
      } else {
        gapStart = pos;
        pos += codePointLength(text, pos);
      }
    }
    if (gapStart < n) splitWords(gapStart === 0 ? text : text.slice(gapStart), level + 1);
  }

  function encodeSection(section: string): void {
    const text = normalize ? normalize(section) : section;
    if (text.length === 0) return;
    if (normalizedSplit) {
      normalizedSplit(
        text,
        (a, b) => splitWords(text.slice(a, b), 0),
        (id) => emit(id),
      );
    } else splitWords(text, 0);
  }

  function tokenize(text: string, into: number[] | undefined): number {
    out = into;
    total = 0;
    unnormalizedSplit(
      text,
      (a, b) => {
        const section = a === 0 && b === text.length ? text : text.slice(a, b);
        if (into !== undefined || section.length < SECTION_CACHE_MIN_CHARS) return encodeSection(section);
        const known = sectionCounts.get(section);
        if (known !== undefined) {
          total += known;
          return;
        }
        const before = total;
        encodeSection(section);
        if (sectionChars + section.length > SECTION_CACHE_CHARS) {
          sectionCounts.clear();
          sectionChars = 0;
        }
        sectionCounts.set(section, total - before);
        sectionChars += section.length;
      },
      (id) => emit(id),
    );
    out = undefined;
    if (bytes.length > 1 << 20) bytes = new Uint8Array(256);
    if (symbols.length > 1 << 18) symbols = new Int32Array(256);
    return total;
  }

  const decoder = new TextDecoder();
  /** The decoder's `▁`-to-space step of the non-byte-level (SentencePiece-style) vocabularies. */
  const spaced = (text: string) => text.replaceAll("\u2581", " ");
  // Added tokens go through that step as the vocabulary's do: Gemma's whitespace tokens ("▁▁") decode to spaces.
  const addedText = new Map(json.added_tokens.map((t) => [t.id, utf8.encode(pre.byteLevel ? t.content : spaced(t.content))]));
  const decodeBytes = (id: number): Uint8Array => {
    const added = addedText.get(id);
    if (added) return added;
    if (!Number.isInteger(id) || id < 0 || id >= size || offsets[id + 1] === offsets[id]) {
      throw new RangeError(`Token id ${id} is not in this encoding's vocabulary`);
    }
    if (pre.byteLevel) return pool.subarray(offsets[id]!, offsets[id + 1]!);
    const fallbackByte = fallbackIds.indexOf(id);
    if (hasFallback && fallbackByte >= 0) return Uint8Array.of(fallbackByte);
    return utf8.encode(spaced(decoder.decode(pool.subarray(offsets[id]!, offsets[id + 1]!))));
  };

  return {
    name,
    encode(text) {
      const ids: number[] = [];
      if (typeof text === "string") tokenize(text, ids);
      return ids;
    },
    count(text) {
      return typeof text === "string" ? tokenize(text, undefined) : 0;
    },
    decode(ids) {
      const parts = Array.from(ids, decodeBytes);
      const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
      let at = 0;
      for (const p of parts) {
        all.set(p, at);
        at += p.length;
      }
      return decoder.decode(all);
    },
  };
}

const codePointLength = (text: string, at: number): number => ((text.codePointAt(at) ?? 0) > 0xffff ? 2 : 1);

/** `"a b"`: tokens hold no space in the string form of merges. */
function splitMerge(merge: string): [string, string] {
  const space = merge.indexOf(" ", 1);
  return [merge.slice(0, space), merge.slice(space + 1)];
}

interface PreTokenizer {
  patterns: RegExp[];
  byteLevel: boolean;
}

function readPreTokenizer(name: string, json: PreTokenizerJson | null): PreTokenizer {
  const result: PreTokenizer = { patterns: [], byteLevel: false };
  const steps = json === null ? [] : json.type === "Sequence" ? (json.pretokenizers as PreTokenizerJson[]) : [json];
  for (const step of steps) {
    if (step.type === "Split") {
      const { pattern, invert } = step as Extract<PreTokenizerJson, { type: "Split" }>;
      if (invert) throw new TypeError(`${name}: inverted Split pre-tokenizers are not supported`);
      // @huggingface/tokenizers isolates every match whatever the behavior; so does tokenledger.
      const source = pattern.Regex !== undefined ? translateRegex(pattern.Regex) : escapeRegex(pattern.String ?? "");
      result.patterns.push(new RegExp(source, "uy"));
    } else if (step.type === "ByteLevel") {
      const { add_prefix_space, use_regex } = step as Extract<PreTokenizerJson, { type: "ByteLevel" }>;
      if (add_prefix_space || use_regex !== false) throw new TypeError(`${name}: only ByteLevel without its own regex is supported`);
      result.byteLevel = true;
    } else {
      throw new TypeError(`${name}: pre-tokenizer ${step.type} is not supported`);
    }
  }
  return result;
}

function readNormalizer(name: string, json: NormalizerJson | null): ((text: string) => string) | undefined {
  if (json === null) return undefined;
  if (json.type === "Sequence") {
    const steps = (json.normalizers as NormalizerJson[]).map((n) => readNormalizer(name, n)!);
    return (text) => steps.reduce((t, step) => step(t), text);
  }
  if (json.type === "NFC" || json.type === "NFD" || json.type === "NFKC" || json.type === "NFKD") {
    const form = json.type;
    return (text) => text.normalize(form);
  }
  if (json.type === "Replace") {
    const { pattern, content } = json as Extract<NormalizerJson, { type: "Replace" }>;
    const regex = new RegExp(pattern.Regex !== undefined ? translateRegex(pattern.Regex) : escapeRegex(pattern.String ?? ""), "gu");
    return (text) => text.replaceAll(regex, content);
  }
  throw new TypeError(`${name}: normalizer ${json.type} is not supported`);
}
