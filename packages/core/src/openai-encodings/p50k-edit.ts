import p50kEdit from "js-tiktoken/ranks/p50k_edit";
import type { EncodingSpec } from "../encoder/index.js";
import { registerSpecs } from "./register-specs.js";

export const P50K_EDIT_SPECS = {
  p50k_edit: { ranks: p50kEdit, pattern: "gpt2", specialTokens: () => p50kEdit.special_tokens },
} as const satisfies Record<string, EncodingSpec>;

export const registerP50kEdit = (): void => registerSpecs(P50K_EDIT_SPECS);
