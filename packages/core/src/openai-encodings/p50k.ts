import p50k from "js-tiktoken/ranks/p50k_base";
import type { EncodingSpec } from "../encoder/index.js";
import { registerSpecs } from "./register-specs.js";

export const P50K_SPECS = {
  p50k_base: { ranks: p50k, pattern: "gpt2", specialTokens: () => p50k.special_tokens },
} as const satisfies Record<string, EncodingSpec>;

export const registerP50k = (): void => registerSpecs(P50K_SPECS);
