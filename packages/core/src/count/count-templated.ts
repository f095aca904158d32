import type { Encoder } from "../encoder/index.js";
import { loadedEncoder } from "../loader/index.js";
import type { ModelInfo } from "../models/index.js";
import { chatTemplateFor, type RenderChat, registeredEncoder } from "../registry/index.js";
import type { ChatMessage, ToolDefinition } from "./chat-types.js";
import { asText, countToolDefinitions } from "./count-tools.js";
import type { MessageCount } from "./message-count.js";
import { countPlain } from "./plain-format.js";

/** Up to this many messages, each message's share is the growth of the rendered prefix (exact); above, each is rendered alone. */
const PREFIX_SPLIT_LIMIT = 64;

/**
 * Counts a conversation for a model with its own chat template (`chatFormat: "template"`):
 * the template rendered with the messages, the tools and the generation prompt, then encoded
 * with special tokens counted as special, which is what vLLM, TGI or llama.cpp report as
 * `prompt_tokens`. `perMessage[i]` is how much message `i` adds to the rendered prefix, `tools`
 * what the tools add, `replyPriming` the generation prompt, so the parts sum to `total`. When
 * the encoding is not loaded or the template raises (Gemma requires alternating roles), it
 * falls back to `plain` (contents joined) and says `approximate`.
 */
export function countTemplated(list: readonly ChatMessage[], info: ModelInfo, tools: ToolDefinition[] | undefined): MessageCount {
  const encoder = registeredEncoder(info.encoding);
  const render = chatTemplateFor(info.encoding);
  if (encoder && render) {
    const counted = tryTemplate(list, encoder, render, tools);
    if (counted) return counted;
  }
  const plainEncoder = encoder ?? loadedEncoder(info.encoding);
  return countPlain(list, plainEncoder, countToolDefinitions(tools ?? [], plainEncoder));
}

function tryTemplate(
  list: readonly ChatMessage[],
  encoder: Encoder,
  render: RenderChat,
  tools: ToolDefinition[] | undefined,
): MessageCount | undefined {
  let approximate = false;
  const messages = list.map((message) => {
    const converted = templateMessage(message);
    approximate ||= converted.approximate;
    return converted.message;
  });
  const toolList = Array.isArray(tools) && tools.length > 0 ? tools : undefined;
  const count = (upTo: number, withTools: boolean, addGenerationPrompt: boolean) =>
    encoder.count(render(messages.slice(0, upTo), { tools: withTools ? toolList : undefined, addGenerationPrompt }));
  try {
    const n = messages.length;
    const total = count(n, true, true);
    const body = n > 0 ? count(n, true, false) : total;
    const withoutTools = toolList && n > 0 ? count(n, false, false) : body;
    const perMessage = new Array<number>(n);
    if (n <= PREFIX_SPLIT_LIMIT) {
      let previous = 0;
      for (let i = 0; i < n; i++) {
        const next = i === n - 1 ? withoutTools : count(i + 1, false, false);
        perMessage[i] = next - previous;
        previous = next;
      }
    } else {
      for (let i = 0; i < n; i++) perMessage[i] = encoder.count(render([messages[i]], { addGenerationPrompt: false }));
      approximate = true;
    }
    const toolTokens = body - withoutTools;
    const replyPriming = total - toolTokens - perMessage.reduce((a, b) => a + b, 0);
    return { total, perMessage, tools: toolTokens, replyPriming, encoding: encoder.name, chatFormat: "template", approximate };
  } catch {
    return undefined;
  }
}

/**
 * The message as a template reads it: text parts joined with a newline (as vLLM does for
 * text-only templates), other fields passed through. Images and unknown parts are dropped
 * and flag the count approximate.
 */
function templateMessage(message: ChatMessage): { message: Record<string, unknown>; approximate: boolean } {
  if (!message || typeof message !== "object") return { message: { role: "user", content: "" }, approximate: true };
  const { content } = message;
  if (typeof content === "string" || content === null || content === undefined) return { message: { ...message }, approximate: false };
  if (!Array.isArray(content)) return { message: { ...message, content: asText(content) }, approximate: true };
  let approximate = false;
  const texts: string[] = [];
  for (const part of content as unknown[]) {
    if (typeof part === "string") texts.push(part);
    else if ((part as { type?: unknown })?.type === "text") texts.push(asText((part as { text?: unknown }).text));
    else approximate = true;
  }
  return { message: { ...message, content: texts.join("\n") }, approximate };
}
