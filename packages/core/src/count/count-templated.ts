import type { Encoder, EncodingName } from "../encoder/index.js";
import { loadedEncoder } from "../loader/index.js";
import type { ModelInfo } from "../models/index.js";
import { chatTemplateFor, type RenderChat, registeredEncoder } from "../registry/index.js";
import type { ChatMessage, ToolDefinition } from "./chat-types.js";
import { asText, countToolDefinitions } from "./count-tools.js";
import type { MessageCount } from "./message-count.js";
import { countPlain } from "./plain-format.js";
import { cachedPrefixCount, prefixKeys, rememberPrefixCount } from "./template-prefix-cache.js";

/**
 * Counts a conversation for a model with its own chat template (`chatFormat: "template"`):
 * the template rendered with the messages, the tools and the generation prompt, then encoded
 * with special tokens counted as special, which is what vLLM, TGI or llama.cpp report as
 * `prompt_tokens`, for a conversation of any length. The parts (see `MessageCount`) are:
 * - `perMessage[i]`: how much message `i` adds to the rendered conversation without tools or
 *   generation prompt, i.e. the tokens of the first `i + 1` messages rendered less those of the
 *   first `i`. The template's own framing goes with the message that brings it: the BOS token and
 *   a default system header (Llama 3.1+'s dates) with the first message, each turn's header and
 *   end-of-turn token with its turn. A prefix the template refuses to render (roles that must
 *   alternate) adds 0; its tokens count with the next message. A message whose prefix renders
 *   shorter than the one before (Mistral NeMo's system prompt leaves the last user turn when a
 *   reply follows it) adds 0, and the difference comes off the parts before it: no part is negative.
 * - `tools`: how much the tools add to the whole rendered conversation, never negative. A template
 *   may render a message differently when tools are given (Llama 3.1+ writes the first user
 *   message inside the tools block, trimmed, under the role `user`); when that makes the prompt
 *   shorter, `tools` is 0 and the difference is taken from that message's part (the first whose
 *   prefix renders shorter with the tools than without).
 * - `replyPriming`: the generation prompt (`add_generation_prompt`).
 * They sum to `total`. When the encoding is not loaded or the template raises on the whole
 * conversation (Gemma requires alternating roles), it falls back to `plain` (contents joined)
 * and says `approximate`.
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

/**
 * The `total` of `countTemplated` without its parts: the template rendered once, with the tools
 * and the generation prompt. `undefined` when the encoding or template is not loaded or the
 * template raises on the conversation (then `countTemplated` falls back to the plain rule).
 */
export function countTemplatedTotal(
  list: readonly ChatMessage[],
  info: ModelInfo,
  tools: ToolDefinition[] | undefined,
): Pick<MessageCount, "total" | "encoding" | "chatFormat" | "approximate"> | undefined {
  return renderAndCount(list, info, { tools: toolListOf(tools), addGenerationPrompt: true });
}

/**
 * What the parts of `countTemplated` of the first messages of a conversation add up to: those
 * messages rendered once, without tools or generation prompt (so an empty list is 0).
 * `undefined` as for `countTemplatedTotal`.
 */
export function countTemplatedPrefix(list: readonly ChatMessage[], info: ModelInfo): number | undefined {
  return list.length === 0 ? 0 : renderAndCount(list, info, { addGenerationPrompt: false })?.total;
}

function renderAndCount(
  list: readonly ChatMessage[],
  info: ModelInfo,
  options: Parameters<RenderChat>[1],
): Pick<MessageCount, "total" | "encoding" | "chatFormat" | "approximate"> | undefined {
  const encoder = registeredEncoder(info.encoding);
  const render = chatTemplateFor(info.encoding);
  if (!encoder || !render) return undefined;
  const { messages, approximate } = templateMessages(list, info.encoding);
  try {
    return { total: encoder.count(render(messages, options)), encoding: encoder.name, chatFormat: "template", approximate };
  } catch {
    return undefined;
  }
}

function templateMessages(
  list: readonly ChatMessage[],
  encoding: EncodingName,
): { messages: Array<Record<string, unknown>>; approximate: boolean } {
  const idLength = TOOL_CALL_ID_LENGTH[encoding];
  let approximate = false;
  const messages = list.map((message) => {
    const converted = templateMessage(message);
    if (idLength !== undefined) converted.message = withIdTails(converted.message, idLength);
    approximate ||= converted.approximate;
    return converted.message;
  });
  return { messages, approximate };
}

function toolListOf(tools: ToolDefinition[] | undefined): ToolDefinition[] | undefined {
  return Array.isArray(tools) && tools.length > 0 ? tools : undefined;
}

/**
 * Templates that require tool-call ids of one length: Mistral NeMo's raises unless an id has 9
 * characters. vLLM keeps the last 9 characters of a longer id (`truncate_tool_call_ids` in its
 * Mistral tokenizer mode; its `tool_chat_template_mistral.jinja` writes `id[-9:]`), so a longer
 * id (LangChain's, OpenAI's `call_...`) counts as its last 9 characters. A shorter one is left
 * as it is: the template raises (vLLM rejects the request) and the count falls back, flagged.
 */
const TOOL_CALL_ID_LENGTH: Partial<Record<EncodingName, number>> = { mistral_nemo: 9 };

/** The message with each tool-call id (and a tool answer's `tool_call_id`) longer than `length` cut to its last `length` characters. */
function withIdTails(message: Record<string, unknown>, length: number): Record<string, unknown> {
  const tail = (id: unknown) => (typeof id === "string" && id.length > length ? id.slice(-length) : id);
  const copy = { ...message };
  if (typeof copy.tool_call_id === "string") copy.tool_call_id = tail(copy.tool_call_id);
  if (Array.isArray(copy.tool_calls))
    copy.tool_calls = copy.tool_calls.map((call: unknown) =>
      call && typeof call === "object" && "id" in call ? { ...call, id: tail((call as { id?: unknown }).id) } : call,
    );
  return copy;
}

function tryTemplate(
  list: readonly ChatMessage[],
  encoder: Encoder,
  render: RenderChat,
  tools: ToolDefinition[] | undefined,
): MessageCount | undefined {
  const { messages, approximate } = templateMessages(list, encoder.name);
  const toolList = toolListOf(tools);
  const count = (upTo: number, withTools: boolean, addGenerationPrompt: boolean) =>
    encoder.count(render(messages.slice(0, upTo), { tools: withTools ? toolList : undefined, addGenerationPrompt }));
  /** `count` of a prefix, `undefined` when the template refuses that prefix. */
  const tryCount = (upTo: number, withTools: boolean) => {
    try {
      return count(upTo, withTools, false);
    } catch {
      return undefined;
    }
  };
  let total: number;
  let body: number;
  let withoutTools: number;
  try {
    const n = messages.length;
    total = count(n, true, true);
    body = n > 0 ? count(n, true, false) : total;
    withoutTools = toolList && n > 0 ? count(n, false, false) : body;
  } catch {
    return undefined;
  }
  const n = messages.length;
  const perMessage = new Array<number>(n).fill(0);
  // Each prefix rendered once (the whole conversation is `withoutTools`): exact at any length.
  // Prefixes counted before (a history that grows) are not rendered again.
  const keys = prefixKeys(messages, render, encoder);
  let previous = 0;
  for (let i = 0; i < n; i++) {
    let next: number | undefined;
    if (i === n - 1) next = withoutTools;
    else {
      const known = cachedPrefixCount(keys[i]);
      next = known === undefined ? tryCount(i + 1, false) : (known ?? undefined);
      if (known === undefined) rememberPrefixCount(keys[i], next);
    }
    if (next === undefined) continue;
    perMessage[i] = next - previous;
    previous = next;
  }
  noNegativeParts(perMessage);
  let toolTokens = body - withoutTools;
  if (toolTokens < 0) {
    takeFromMessages(perMessage, -toolTokens, (upTo) => {
      const withTools = tryCount(upTo, true);
      const without = withTools === undefined ? undefined : tryCount(upTo, false);
      return withTools !== undefined && without !== undefined && withTools < without;
    });
    toolTokens = 0;
  }
  const replyPriming = total - toolTokens - perMessage.reduce((a, b) => a + b, 0);
  return { total, perMessage, tools: toolTokens, replyPriming, encoding: encoder.name, chatFormat: "template", approximate };
}

/**
 * Makes every part >= 0, their sum unchanged. A prefix can render shorter than the one before it:
 * Mistral NeMo writes the system prompt into the last user turn only while that turn ends the
 * conversation, so an assistant reply after it takes the system prompt out. Such a message adds 0,
 * and what the prompt lost comes off the parts before it, the nearest first: they hold it, since
 * the parts up to a message add up to its prefix's count, never negative.
 */
function noNegativeParts(perMessage: number[]): void {
  for (let i = 0; i < perMessage.length; i++) {
    if (perMessage[i]! >= 0) continue;
    let left = -perMessage[i]!;
    perMessage[i] = 0;
    for (let j = i - 1; j >= 0 && left > 0; j--) {
      const taken = Math.min(left, perMessage[j]!);
      perMessage[j]! -= taken;
      left -= taken;
    }
  }
}

/**
 * Takes `tokens` from the message parts: from the first message `i` for which
 * `shrinks(i + 1)` (its prefix renders shorter with the tools), then, should that part not
 * hold them all, from the largest parts. Never leaves a part negative; the parts hold at
 * least `tokens` (they sum to the conversation without tools, the tools' deficit is less).
 */
function takeFromMessages(perMessage: number[], tokens: number, shrinks: (upTo: number) => boolean): void {
  let left = tokens;
  const take = (i: number) => {
    const taken = Math.min(left, Math.max(0, perMessage[i]!));
    perMessage[i]! -= taken;
    left -= taken;
  };
  for (let i = 0; i < perMessage.length && left > 0; i++) {
    if (shrinks(i + 1)) {
      take(i);
      break;
    }
  }
  while (left > 0) {
    let largest = -1;
    for (let i = 0; i < perMessage.length; i++) if (largest < 0 || perMessage[i]! > perMessage[largest]!) largest = i;
    if (largest < 0 || perMessage[largest]! <= 0) break;
    take(largest);
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
