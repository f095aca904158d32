import r50k from "js-tiktoken/ranks/r50k_base";
import type { EncodingSpec } from "../encoder/index.js";
import { registerSpecs } from "./register-specs.js";

/** r50k_base and gpt2: the same ranks and special tokens under two names. */
export const R50K_SPECS = {
  r50k_base: { ranks: r50k, pattern: "gpt2", specialTokens: () => r50k.special_tokens },
  gpt2: { ranks: r50k, pattern: "gpt2", specialTokens: () => r50k.special_tokens },
} as const satisfies Record<string, EncodingSpec>;

export const registerR50k = (): void => registerSpecs(R50K_SPECS);
