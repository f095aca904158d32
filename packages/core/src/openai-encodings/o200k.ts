import o200k from "js-tiktoken/ranks/o200k_base";
import type { EncodingSpec } from "../encoder/index.js";
import { registerSpecs } from "./register-specs.js";

/** gpt-oss's harmony format: o200k_base's special tokens plus those its chat format uses, the rest of its range reserved. */
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

/** o200k_base and o200k_harmony: one rank file, two sets of special tokens. */
export const O200K_SPECS = {
  o200k_base: { ranks: o200k, pattern: "o200k", specialTokens: () => o200k.special_tokens },
  o200k_harmony: { ranks: o200k, pattern: "o200k", specialTokens: harmonySpecialTokens },
} as const satisfies Record<string, EncodingSpec>;

/** Registers o200k_base and o200k_harmony. */
export const registerO200k = (): void => registerSpecs(O200K_SPECS);
