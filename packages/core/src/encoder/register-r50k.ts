import r50k from "js-tiktoken/ranks/r50k_base";
import { createEncoder } from "./create-encoder.js";
import { registerEncoding } from "./encoding-registry.js";
import type { EncodingSpec } from "./encodings.js";

export const R50K_SPEC: EncodingSpec = { ranks: r50k, pattern: "gpt2", specialTokens: r50k.special_tokens };

/** Registers r50k_base and gpt2 (same ranks). */
export function registerR50k(): void {
  registerEncoding("r50k_base", () => createEncoder("r50k_base", R50K_SPEC));
  registerEncoding("gpt2", () => createEncoder("gpt2", R50K_SPEC));
}
