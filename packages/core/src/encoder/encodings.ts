import cl100k from "js-tiktoken/ranks/cl100k_base";
import o200k from "js-tiktoken/ranks/o200k_base";
import p50k from "js-tiktoken/ranks/p50k_base";
import p50kEdit from "js-tiktoken/ranks/p50k_edit";
import r50k from "js-tiktoken/ranks/r50k_base";
import type { PatternName } from "./hand-pre-tokenizer.js";

/** The tiktoken encodings tokenledger can count with. */
export type EncodingName = "o200k_base" | "o200k_harmony" | "cl100k_base" | "p50k_base" | "p50k_edit" | "r50k_base" | "gpt2";

export interface EncodingSpec {
  ranks: { bpe_ranks: string; special_tokens: Record<string, number> };
  pattern: PatternName;
  specialTokens: Record<string, number>;
}

/** gpt-oss's harmony format: o200k_base ranks plus the special tokens its chat format uses. */
function harmonySpecialTokens(): Record<string, number> {
  const tokens: Record<string, number> = {
    ...o200k.special_tokens,
    "<|startoftext|>": 199998,
    "<|endoftext|>": 199999,
    "<|return|>": 200002,
    "<|constrain|>": 200003,
    "<|channel|>": 200005,
    "<|start|>": 200006,
    "<|end|>": 200007,
    "<|message|>": 200008,
    "<|call|>": 200012,
  };
  for (const id of [200000, 200001, 200004, 200009, 200010, 200011]) tokens[`<|reserved_${id}|>`] = id;
  for (let id = 200013; id < 201088; id++) tokens[`<|reserved_${id}|>`] = id;
  return tokens;
}

export const ENCODINGS: Record<EncodingName, () => EncodingSpec> = {
  o200k_base: () => ({ ranks: o200k, pattern: "o200k", specialTokens: o200k.special_tokens }),
  o200k_harmony: () => ({ ranks: o200k, pattern: "o200k", specialTokens: harmonySpecialTokens() }),
  cl100k_base: () => ({ ranks: cl100k, pattern: "cl100k", specialTokens: cl100k.special_tokens }),
  p50k_base: () => ({ ranks: p50k, pattern: "gpt2", specialTokens: p50k.special_tokens }),
  p50k_edit: () => ({ ranks: p50kEdit, pattern: "gpt2", specialTokens: p50kEdit.special_tokens }),
  r50k_base: () => ({ ranks: r50k, pattern: "gpt2", specialTokens: r50k.special_tokens }),
  gpt2: () => ({ ranks: r50k, pattern: "gpt2", specialTokens: r50k.special_tokens }),
};

export const ENCODING_NAMES = Object.keys(ENCODINGS) as EncodingName[];

export function isEncodingName(name: unknown): name is EncodingName {
  return typeof name === "string" && Object.hasOwn(ENCODINGS, name);
}
