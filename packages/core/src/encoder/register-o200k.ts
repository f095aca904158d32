import o200k from "js-tiktoken/ranks/o200k_base";
import { createEncoder } from "./create-encoder.js";
import { registerEncoding } from "./encoding-registry.js";
import type { EncodingSpec } from "./encodings.js";

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

export const O200K_SPEC: EncodingSpec = { ranks: o200k, pattern: "o200k", specialTokens: o200k.special_tokens };

/** Registers o200k_base and o200k_harmony (same ranks). */
export function registerO200k(): void {
  registerEncoding("o200k_base", () => createEncoder("o200k_base", O200K_SPEC));
  registerEncoding("o200k_harmony", () =>
    createEncoder("o200k_harmony", { ranks: o200k, pattern: "o200k", specialTokens: harmonySpecialTokens() }),
  );
}
