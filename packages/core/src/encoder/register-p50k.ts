import p50k from "js-tiktoken/ranks/p50k_base";
import { createEncoder } from "./create-encoder.js";
import { registerEncoding } from "./encoding-registry.js";
import type { EncodingSpec } from "./encodings.js";

export const P50K_SPEC: EncodingSpec = { ranks: p50k, pattern: "gpt2", specialTokens: p50k.special_tokens };

export function registerP50k(): void {
  registerEncoding("p50k_base", () => createEncoder("p50k_base", P50K_SPEC));
}
