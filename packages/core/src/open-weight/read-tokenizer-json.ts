import type { NormalizerJson, PreTokenizerJson, TokenizerJson } from "./tokenizer-json.js";
import { escapeRegex, translateRegex } from "./translate-regex.js";

/** The pre-tokenizer of a `tokenizer.json`: its split regexes in order, and whether it is byte-level. */
export interface PreTokenizer {
  patterns: RegExp[];
  byteLevel: boolean;
}

/** What `createHfEncoder` reads besides the vocabulary; throws on a feature it does not implement. */
export interface TokenizerSteps {
  pre: PreTokenizer;
  normalize: ((text: string) => string) | undefined;
}

/**
 * Checks that tokenledger implements what a `tokenizer.json` uses (a BPE model without dropout
 * or subword affixes, added tokens without lstrip/rstrip/single_word, the split pre-tokenizers
 * and normalizers below) and reads its pre-tokenizer and normalizer. Throws a TypeError naming
 * the first feature it does not implement.
 *
 * @example
 * ```ts
 * const { pre, normalize } = readTokenizerSteps("llama3", json);
 * ```
 */
export function readTokenizerSteps(name: string, json: TokenizerJson): TokenizerSteps {
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
  return { pre, normalize };
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
