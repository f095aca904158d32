import { AIMessage, type BaseMessage, HumanMessage, type MessageType, SystemMessage, ToolMessage } from "@langchain/core/messages";
import { type ChatMessage, countMessages, DEFAULT_MODEL, resolveModel, type ToolDefinition } from "@tokenledger/core";
import { messageType as typeOf } from "./message-type.js";
import { toChatMessage } from "./to-chat-message.js";

type MessageClass = new (...args: never[]) => BaseMessage;
/** A message type name ("human", "ai", ...) or class (HumanMessage, ...), as `trimMessages` takes them. */
export type MessageTypeOrClass = MessageType | MessageClass;

export interface TrimOptions {
  /** The budget for the whole prompt: kept messages, tools and reply priming. Or give `model`. */
  maxTokens?: number;
  /** Counts with this model's rules; without `maxTokens`, the budget is its context window minus `reserveOutputTokens`. Default gpt-4o. */
  model?: string;
  /** Tokens kept free for the answer when the budget comes from `model`; default the model's max output tokens. */
  reserveOutputTokens?: number;
  /** Tool definitions sent with the call (OpenAI shape); their tokens come out of the budget. */
  tools?: ToolDefinition[];
  /** Keep the newest messages ('last', default) or the oldest ('first'). */
  strategy?: "last" | "first";
  /** With 'last': always keep a leading system message. */
  includeSystem?: boolean;
  /** With 'last': the kept history starts on a message of this type (e.g. "human"). */
  startOn?: MessageTypeOrClass | MessageTypeOrClass[];
  /** The kept history ends on a message of this type. */
  endOn?: MessageTypeOrClass | MessageTypeOrClass[];
  /** Keep part of the message at the boundary when the whole does not fit. */
  allowPartial?: boolean;
  /** How a partial message's text is split; default: into lines, as `trimMessages` does. */
  textSplitter?: ((text: string) => string[]) | { splitText(text: string): string[] };
  /** Your own counter; called on one message at a time (and on `[]` for the fixed cost), so it must be additive. */
  tokenCounter?: (messages: BaseMessage[]) => number;
}

/**
 * Thrown when the options cannot give a budget, or when `includeSystem` keeps a system message that alone is over it.
 *
 * @example
 * ```ts
 * try { trimHistory(history, { model: "my-llm" }); } catch (e) { if (e instanceof TrimError) console.error(e.message); }
 * ```
 */
export class TrimError extends Error {
  override name = "TrimError";
}

interface Counter {
  fixed: number;
  /** Tokens of list[i], counted on first use: a trim reads only the messages it keeps and the one it stops at. */
  at(i: number): number;
  one(message: BaseMessage): number;
}

/** Messages are counted in blocks in the trim's direction, so one countMessages call serves many. */
const BLOCK = 256;

/** Conversions are reused while the fields they read are the same objects; agents set `name` on a message after it is made. */
const chatCache = new WeakMap<BaseMessage, { content: unknown; toolCalls: unknown; name: unknown; chat: ChatMessage }>();

/**
 * Drops the oldest (or newest) messages until the prompt fits the budget, counting each
 * message once with OpenAI's chat rules, so the count of the result is the count the
 * provider sees. Tool calls stay whole: an AI message with `tool_calls` is kept with all
 * its ToolMessages or dropped with them, and a ToolMessage whose call is gone is never
 * returned. Neither the array nor its messages are changed.
 *
 * @example
 * ```ts
 * const kept = trimHistory(history, { model: "gpt-4o-mini", maxTokens: 4000, includeSystem: true, startOn: "human" });
 * ```
 */
export function trimHistory(messages: BaseMessage[], options: TrimOptions): BaseMessage[] {
  if (!Array.isArray(messages)) throw new TrimError("trimHistory: messages must be an array of BaseMessage");
  const budget = budgetOf(options);
  let list = withoutOrphanToolMessages(messages);
  const strategy = options.strategy ?? "last";
  if (strategy !== "last" && strategy !== "first")
    throw new TrimError(`trimHistory: unknown strategy '${String(strategy)}'; use 'last' or 'first'`);
  if (strategy === "last" && options.endOn) list = endingOn(list, options.endOn);
  const counter = createCounter(list, options, strategy);
  return strategy === "last" ? trimLast(list, budget, counter, options) : trimFirst(list, budget, counter, options);
}

function budgetOf(options: TrimOptions): number {
  if (options?.maxTokens !== undefined) {
    if (!Number.isFinite(options.maxTokens) || options.maxTokens < 0)
      throw new TrimError(`trimHistory: maxTokens must be a number >= 0, got ${options.maxTokens}`);
    return options.maxTokens;
  }
  const info = options?.model ? resolveModel(options.model) : undefined;
  if (!info?.contextWindow) {
    throw new TrimError(
      `trimHistory: give maxTokens, or a model whose context window is known (${options?.model ?? "no model given"}); registerModel() adds one`,
    );
  }
  return Math.max(0, info.contextWindow - (options.reserveOutputTokens ?? info.maxOutputTokens ?? 0));
}

function createCounter(list: BaseMessage[], options: TrimOptions, strategy: "last" | "first"): Counter {
  const custom = options.tokenCounter;
  if (custom) {
    const memo = new Map<number, number>();
    const one = (m: BaseMessage) => custom([m]);
    return { fixed: custom([]), at: (i) => memo.get(i) ?? memo.set(i, one(list[i]!)).get(i)!, one };
  }
  const model = options.model ?? DEFAULT_MODEL;
  const fixed = countMessages([], { model, tools: options.tools });
  const tokens = new Float64Array(list.length).fill(-1);
  const at = (i: number) => {
    if (tokens[i]! < 0) {
      const [start, end] = strategy === "last" ? [Math.max(0, i - BLOCK + 1), i + 1] : [i, Math.min(list.length, i + BLOCK)];
      const counted = countMessages(list.slice(start, end).map(chatOf), { model }).perMessage;
      for (let j = start; j < end; j++) tokens[j] = counted[j - start]!;
    }
    return tokens[i]!;
  };
  return { fixed: fixed.tools + fixed.replyPriming, at, one: (m) => countMessages([chatOf(m)], { model }).perMessage[0]! };
}

function chatOf(message: BaseMessage): ChatMessage {
  const m = message as BaseMessage & { tool_calls?: unknown };
  const hit = chatCache.get(message);
  if (hit && hit.content === m.content && hit.toolCalls === m.tool_calls && hit.name === m.name) return hit.chat;
  const chat = toChatMessage(message);
  if (message && typeof message === "object") chatCache.set(message, { content: m.content, toolCalls: m.tool_calls, name: m.name, chat });
  return chat;
}

/** [start, end) index ranges that are kept or dropped as one: an AI message with tool calls and its ToolMessages. */
function unitsOf(list: BaseMessage[]): Array<[number, number]> {
  const units: Array<[number, number]> = [];
  for (let i = 0; i < list.length; ) {
    let end = i + 1;
    if (hasToolCalls(list[i]!)) while (end < list.length && typeOf(list[end]!) === "tool") end++;
    units.push([i, end]);
    i = end;
  }
  return units;
}

function trimLast(list: BaseMessage[], budget: number, counter: Counter, options: TrimOptions): BaseMessage[] {
  const system = options.includeSystem && list.length > 0 && typeOf(list[0]!) === "system" ? list[0]! : undefined;
  let used = counter.fixed + (system ? counter.at(0) : 0);
  if (system && used > budget) {
    throw new TrimError(
      `trimHistory: the system message alone needs ${used} tokens (tools and reply priming included), over the budget of ${budget}`,
    );
  }
  const units = unitsOf(list).filter(([start]) => !(system && start === 0));
  let first = units.length;
  let partial: BaseMessage | undefined;
  for (let u = units.length - 1; u >= 0; u--) {
    const cost = sum(counter, units[u]!);
    if (used + cost > budget) {
      if (options.allowPartial) partial = partialOf(list, units[u]!, budget - used, counter, options, "last");
      break;
    }
    used += cost;
    first = u;
  }
  let kept = units.slice(first).flatMap(([s, e]) => list.slice(s, e));
  if (partial) kept.unshift(partial);
  if (options.startOn) {
    const wanted = types(options.startOn);
    const at = kept.findIndex((m) => isType(m, wanted));
    kept = at < 0 ? [] : kept.slice(at);
  }
  return system ? [system, ...kept] : kept;
}

function trimFirst(list: BaseMessage[], budget: number, counter: Counter, options: TrimOptions): BaseMessage[] {
  let used = counter.fixed;
  const kept: BaseMessage[] = [];
  for (const unit of unitsOf(list)) {
    const cost = sum(counter, unit);
    if (used + cost > budget) {
      const partial = options.allowPartial ? partialOf(list, unit, budget - used, counter, options, "first") : undefined;
      if (partial) kept.push(partial);
      break;
    }
    used += cost;
    for (let i = unit[0]; i < unit[1]; i++) kept.push(list[i]!);
  }
  return options.endOn ? endingOn(kept, options.endOn) : kept;
}

/** Drops whole units from the end until the last message has a wanted type, so no tool-call pair is cut. */
function endingOn(list: BaseMessage[], endOn: MessageTypeOrClass | MessageTypeOrClass[]): BaseMessage[] {
  const wanted = types(endOn);
  const units = unitsOf(list);
  while (units.length > 0 && !isType(list[units.at(-1)![1] - 1]!, wanted)) units.pop();
  return list.slice(0, units.at(-1)?.[1] ?? 0);
}

/**
 * Part of a single plain message (never one of a tool-call pair): its leading content blocks
 * (as `trimMessages` keeps them, for both strategies), else the head ('first') or tail ('last')
 * of its text's splits, as many as fit.
 */
function partialOf(
  list: BaseMessage[],
  [start, end]: [number, number],
  room: number,
  counter: Counter,
  options: TrimOptions,
  side: "first" | "last",
) {
  const message = list[start]!;
  if (end - start !== 1 || hasToolCalls(message) || typeOf(message) === "tool") return undefined;
  const fits = (content: BaseMessage["content"]) => {
    const candidate = withContent(message, content);
    return counter.one(candidate) <= room ? candidate : undefined;
  };
  if (Array.isArray(message.content)) {
    let best: BaseMessage | undefined;
    for (let n = 1; n <= message.content.length; n++) {
      const candidate = fits(message.content.slice(0, n) as BaseMessage["content"]);
      if (!candidate) break;
      best = candidate;
    }
    if (best) return best;
  }
  const text = typeof message.content === "string" ? message.content : firstText(message.content);
  if (!text) return undefined;
  const splits = split(text, options.textSplitter);
  for (let n = splits.length - 1; n >= 1; n--) {
    const candidate = fits((side === "first" ? splits.slice(0, n) : splits.slice(-n)).join(""));
    if (candidate) return candidate;
  }
  return undefined;
}

function split(text: string, splitter: TrimOptions["textSplitter"]): string[] {
  if (typeof splitter === "function") return splitter(text);
  if (splitter && typeof splitter.splitText === "function") return splitter.splitText(text);
  const lines = text.split("\n");
  return [...lines.slice(0, -1).map((line) => `${line}\n`), lines.at(-1)!];
}

function firstText(content: BaseMessage["content"]): string | undefined {
  if (!Array.isArray(content)) return undefined;
  const block = content.find((b) => typeof b === "object" && b !== null && b.type === "text" && typeof b.text === "string");
  return (block as { text?: string } | undefined)?.text;
}

const CONSTRUCTORS: Record<string, new (fields: never) => BaseMessage> = {
  human: HumanMessage,
  ai: AIMessage,
  system: SystemMessage,
  tool: ToolMessage,
};

/** A new message of the same type and fields with other content; the original is left as it was. */
function withContent(message: BaseMessage, content: BaseMessage["content"]): BaseMessage {
  const fields = Object.fromEntries(Object.entries(message).filter(([key]) => key !== "type" && !key.startsWith("lc_")));
  const Constructor = CONSTRUCTORS[typeOf(message)] ?? HumanMessage;
  return new Constructor({ ...fields, content } as never);
}

const NO_CALLS: ReadonlySet<string> = new Set();

function withoutOrphanToolMessages(messages: BaseMessage[]): BaseMessage[] {
  let open: ReadonlySet<string> = NO_CALLS;
  let dropped = false;
  const kept = messages.filter((message) => {
    const type = typeOf(message);
    if (type === "tool") {
      const id = (message as ToolMessage).tool_call_id;
      if (open.has(id)) return true;
      dropped = true;
      return false;
    }
    open = hasToolCalls(message) ? new Set(((message as AIMessage).tool_calls ?? []).map((c) => c.id ?? "")) : NO_CALLS;
    return true;
  });
  return dropped ? kept : messages.slice();
}

function hasToolCalls(message: BaseMessage): boolean {
  const calls = (message as AIMessage).tool_calls;
  return typeOf(message) === "ai" && Array.isArray(calls) && calls.length > 0;
}

function types(spec: MessageTypeOrClass | MessageTypeOrClass[]): Set<string> {
  const list = Array.isArray(spec) ? spec : [spec];
  return new Set(list.map((t) => (typeof t === "string" ? t : new (t as new (fields: object) => BaseMessage)({ content: "" }).getType())));
}

function isType(message: BaseMessage, wanted: Set<string>): boolean {
  return wanted.has(typeOf(message));
}

function sum(counter: Counter, [start, end]: [number, number]): number {
  let total = 0;
  for (let i = start; i < end; i++) total += counter.at(i);
  return total;
}
