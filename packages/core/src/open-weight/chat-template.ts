import { Template } from "@huggingface/jinja";
import type { RenderChat } from "../registry/index.js";
import { PythonNumber, parsePythonJson, renderAsPython } from "./python-jinja.js";
import { asPythonJinja } from "./python-jinja-source.js";

/** The special-token variables a chat template may use, as transformers.js passes them. */
const TOKEN_VARIABLES = ["bos_token", "eos_token", "unk_token", "sep_token", "pad_token", "cls_token", "mask_token"];

/**
 * The date Llama 3.1+ templates write into the system header ("Today Date: ..."): their own default,
 * passed as `date_string` so that a count never depends on the clock or the locale (@huggingface/jinja's
 * `strftime_now` reads both). Every date a server could render from 2024 to 2030 gives the same count
 * (proven in chat-template-date.test.ts).
 */
export const TEMPLATE_DATE = "26 Jul 2024";

export interface TokenizerConfig {
  chat_template?: string | Array<{ name: string; template: string }>;
  [key: string]: unknown;
}

/**
 * The renderer of a `tokenizer_config.json`'s chat template with `@huggingface/jinja`, as
 * servers that apply the model's template (vLLM, TGI, llama.cpp) and transformers.js do:
 * messages, tools, `add_generation_prompt`, the special tokens' texts and `date_string`
 * (`TEMPLATE_DATE`, for templates that read it), the source read as Python's Jinja reads it
 * (`asPythonJinja`) and rendered with Python's filters and string methods (`renderAsPython`:
 * `trim`, `strip(chars)`, transformers' `tojson`). A config with named
 * templates uses `tool_use` when tools are given and `default` otherwise.
 */
export function createChatRenderer(config: TokenizerConfig): RenderChat | undefined {
  const source = config.chat_template;
  if (source === undefined) return undefined;
  const named = typeof source === "string" ? undefined : new Map(source.map((t) => [t.name, t.template]));
  const compiled = new Map<string, { template: Template; parsesArguments: boolean; comparesMessages: boolean }>();
  const templateFor = (tools: boolean) => {
    const text = named ? (tools && named.get("tool_use")) || named.get("default") || "" : (source as string);
    let entry = compiled.get(text);
    if (!entry) {
      entry = {
        template: new Template(asPythonJinja(text)),
        parsesArguments: PARSES_ARGUMENTS.test(text),
        comparesMessages: COMPARES_MESSAGES.test(text),
      };
      compiled.set(text, entry);
    }
    return entry;
  };
  const variables: Record<string, string> = {};
  for (const key of TOKEN_VARIABLES) {
    const value = config[key];
    const text = typeof value === "string" ? value : (value as { content?: unknown } | null)?.content;
    if (typeof text === "string") variables[key] = text;
  }
  return (messages, { tools, addGenerationPrompt }) => {
    const withTools = tools !== undefined && tools.length > 0;
    const { template, parsesArguments, comparesMessages } = templateFor(withTools);
    const serverMessages = messages.map((message) => asServerMessage(message, parsesArguments));
    if (comparesMessages && withTools && hasEqualMessages(serverMessages)) {
      throw new Error("this template compares messages by value, which @huggingface/jinja cannot render");
    }
    return renderAsPython(template, {
      ...variables,
      date_string: TEMPLATE_DATE,
      messages: serverMessages,
      tools: tools && tools.length > 0 ? tools : undefined,
      add_generation_prompt: addGenerationPrompt,
    });
  };
}

/**
 * A template that compares whole messages (Mistral NeMo's `message == user_messages[-1]`, which
 * puts the tools before the last user message). Python's Jinja compares two dicts by value,
 * @huggingface/jinja by identity: when two messages are equal by value, Python writes the tools
 * before each, so with tools such a conversation cannot be rendered here and its count falls back
 * to `plain`, flagged. (Without tools Mistral's comparison is never reached.)
 */
const COMPARES_MESSAGES = /\bmessage\s*[!=]=/;

/** True when two messages are equal as Python compares dicts: by value, whatever the key order. */
function hasEqualMessages(messages: unknown[]): boolean {
  const sorted = (_: string, found: unknown) => {
    const value = found instanceof Map ? Object.fromEntries(found) : found instanceof PythonNumber ? found.value : found;
    return value && typeof value === "object" && !Array.isArray(value)
      ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : value;
  };
  const seen = new Set<string>();
  for (const message of messages) {
    const key = JSON.stringify(message, sorted);
    if (seen.has(key)) return true;
    seen.add(key);
  }
  return false;
}

/**
 * A template that writes a tool call's arguments with `tojson`, alone (Qwen, Llama 3.1+) or inside
 * the whole `function` (Mistral NeMo), expects them parsed (vLLM parses them for every template; see below).
 */
const PARSES_ARGUMENTS = /(?:arguments|function)\s*\|\s*tojson/;

/**
 * A message as vLLM hands it to the template: `null` content as "" (vLLM joins no text parts), an
 * assistant's `tool_calls` absent when null or empty, and, for a template that writes them with
 * `tojson`, each call's `arguments` JSON string parsed (`{}` when empty). Arguments that are not
 * JSON throw (vLLM refuses the request), so the count falls back to an estimate. vLLM parses for
 * every template, but one that concatenates the arguments as text (DeepSeek V3's) would then write
 * a dict's repr, so there they stay a string. The message is copied, never changed.
 */
function asServerMessage(message: unknown, parseArguments: boolean): unknown {
  if (!message || typeof message !== "object") return message;
  if ((message as { content?: unknown }).content == null) message = { ...message, content: "" };
  if (!("tool_calls" in (message as object))) return message;
  const { tool_calls: calls, ...rest } = message as { tool_calls?: unknown; role?: unknown };
  if (!Array.isArray(calls) || calls.length === 0) return rest;
  if (!parseArguments || rest.role !== "assistant") return message;
  const parsed = calls.map((call: unknown) => {
    const fn = (call as { function?: unknown } | null)?.function;
    if (!fn || typeof fn !== "object") return call;
    const args = (fn as { arguments?: unknown }).arguments;
    if (typeof args === "object" && args !== null) return call;
    return { ...(call as object), function: { ...fn, arguments: args ? parsePythonJson(String(args)) : new Map() } };
  });
  return { ...rest, tool_calls: parsed };
}
