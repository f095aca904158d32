import { registerOpenAIEncodings } from "../openai-encodings/index.js";

let registered = false;

/**
 * Registers OpenAI's encodings, so that `getEncoder` stays synchronous for them. This module
 * carries all their rank data; the `lite` build swaps it for `builtin-encodings.lite.ts`.
 */
export function registerBuiltinEncodings(): void {
  if (registered) return;
  registered = true;
  registerOpenAIEncodings();
}
