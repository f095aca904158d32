import cl100k from "js-tiktoken/ranks/cl100k_base";
import { createEncoder } from "./create-encoder.js";
import { registerEncoding } from "./encoding-registry.js";
import type { EncodingSpec } from "./encodings.js";

export const CL100K_SPEC: EncodingSpec = { ranks: cl100k, pattern: "cl100k", specialTokens: cl100k.special_tokens };

export function registerCl100k(): void {
  registerEncoding("cl100k_base", () => createEncoder("cl100k_base", CL100K_SPEC));
}
