// OpenAI's encodings, one file per rank file: its specs (ranks, pattern, special tokens) and
// their registration live there and nowhere else. This door carries all their rank data; an
// entry `@tokenledger/core/encodings/<name>` imports its one file instead (see `encodings/`).
import { registerCl100k } from "./cl100k.js";
import { registerO200k } from "./o200k.js";
import { registerP50k } from "./p50k.js";
import { registerP50kEdit } from "./p50k-edit.js";
import { registerR50k } from "./r50k.js";

export { CL100K_SPECS } from "./cl100k.js";
export { O200K_SPECS } from "./o200k.js";
export { P50K_SPECS } from "./p50k.js";
export { P50K_EDIT_SPECS } from "./p50k-edit.js";
export { R50K_SPECS } from "./r50k.js";

/** Registers every OpenAI encoding (their encoders are built on first use). */
export function registerOpenAIEncodings(): void {
  registerO200k();
  registerCl100k();
  registerP50k();
  registerP50kEdit();
  registerR50k();
}
