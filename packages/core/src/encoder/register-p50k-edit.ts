import p50kEdit from "js-tiktoken/ranks/p50k_edit";
import { createEncoder } from "./create-encoder.js";
import { registerEncoding } from "./encoding-registry.js";

export function registerP50kEdit(): void {
  registerEncoding("p50k_edit", () =>
    createEncoder("p50k_edit", { ranks: p50kEdit, pattern: "gpt2", specialTokens: p50kEdit.special_tokens }),
  );
}
