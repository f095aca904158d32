import cl100k from "js-tiktoken/ranks/cl100k_base";
import type { EncodingSpec } from "../encoder/index.js";
import { registerSpecs } from "./register-specs.js";

export const CL100K_SPECS = {
  cl100k_base: { ranks: cl100k, pattern: "cl100k", specialTokens: () => cl100k.special_tokens },
} as const satisfies Record<string, EncodingSpec>;

export const registerCl100k = (): void => registerSpecs(CL100K_SPECS);
