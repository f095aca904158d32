import { Template } from "@huggingface/jinja";
import type { RenderChat } from "../count/chat-template-registry.js";

/** The special-token variables a chat template may use, as transformers.js passes them. */
const TOKEN_VARIABLES = ["bos_token", "eos_token", "unk_token", "sep_token", "pad_token", "cls_token", "mask_token"];

export interface TokenizerConfig {
  chat_template?: string | Array<{ name: string; template: string }>;
  [key: string]: unknown;
}

/**
 * The renderer of a `tokenizer_config.json`'s chat template with `@huggingface/jinja`, as
 * servers that apply the model's template (vLLM, TGI, llama.cpp) and transformers.js do:
 * messages, tools, `add_generation_prompt` and the special tokens' texts. A config with named
 * templates uses `tool_use` when tools are given and `default` otherwise.
 */
export function createChatRenderer(config: TokenizerConfig): RenderChat | undefined {
  const source = config.chat_template;
  if (source === undefined) return undefined;
  const named = typeof source === "string" ? undefined : new Map(source.map((t) => [t.name, t.template]));
  const compiled = new Map<string, Template>();
  const templateFor = (tools: boolean) => {
    const text = named ? (tools && named.get("tool_use")) || named.get("default") || "" : (source as string);
    let template = compiled.get(text);
    if (!template) {
      template = new Template(text);
      compiled.set(text, template);
    }
    return template;
  };
  const variables: Record<string, string> = {};
  for (const key of TOKEN_VARIABLES) {
    const value = config[key];
    const text = typeof value === "string" ? value : (value as { content?: unknown } | null)?.content;
    if (typeof text === "string") variables[key] = text;
  }
  return (messages, { tools, addGenerationPrompt }) =>
    templateFor(tools !== undefined && tools.length > 0).render({
      ...variables,
      messages,
      tools: tools && tools.length > 0 ? tools : undefined,
      add_generation_prompt: addGenerationPrompt,
    });
}
