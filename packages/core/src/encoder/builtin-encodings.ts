import { registerCl100k } from "./register-cl100k.js";
import { registerO200k } from "./register-o200k.js";
import { registerP50k } from "./register-p50k.js";
import { registerP50kEdit } from "./register-p50k-edit.js";
import { registerR50k } from "./register-r50k.js";

let registered = false;

/**
 * Registers OpenAI's encodings, so that `getEncoder` stays synchronous for them. This module
 * carries all their rank data; the `lite` build swaps it for `builtin-encodings.lite.ts`.
 */
export function registerBuiltinEncodings(): void {
  if (registered) return;
  registered = true;
  registerO200k();
  registerCl100k();
  registerP50k();
  registerP50kEdit();
  registerR50k();
}
