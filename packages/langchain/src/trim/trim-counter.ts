import type { BaseMessage } from "@langchain/core/messages";
import { type ChatMessage, countMessages, type ToolDefinition } from "@tokenledger/core";
import { countPromptTotal } from "@tokenledger/core/internal";
import { countedWithoutData, type MessageFlag, missingDataMessage, toChatMessage, withApproximateMargin } from "../counters/index.js";
import { reportOnce } from "../shared/index.js";
import { describeValue, requireTokenCount } from "./prompt-budget.js";
import { TrimError } from "./trim-error.js";

/** A `tokenCounter` as `trimMessages` takes it: additive, called one message at a time, synchronous or not. */
export type MaybeAsyncTokenCounter = (messages: BaseMessage[]) => number | Promise<number>;

/** What a trim needs counted. Every number it returns is finite and >= 0, or it throws TrimError. */
export interface Counter {
  /** Tokens every result costs (tools, reply priming), and what they are, for an error message. */
  fixed: number;
  fixedWhat: string;
  /** Tokens of list[i]. */
  at(i: number): number;
  /** Tokens of a message made for a partial keep; `key` names it the same way on every run of a trim. */
  one(key: string, message: BaseMessage): number;
  /** The candidates a partial keep may ask for; lets an async counter count them all before a re-run. */
  expect(candidates: () => Array<[string, BaseMessage]>): void;
  /** The total of a result, for a format whose counts are not additive (the plain rule joins texts); else undefined. */
  total?: (kept: BaseMessage[]) => number;
  /**
   * For a model with its own chat template (its data loaded): the exact count of a whole result,
   * tools and reply priming included, the template rendered once. The trim searches the results
   * by it instead of adding up message counts (a template's count is not their sum: BOS, the
   * system prompt placed elsewhere, a tools block), so it renders O(log n) candidates, not n prefixes.
   */
  prompt?: (kept: BaseMessage[]) => number;
  /**
   * For counts with a safety margin: the same counts without it. What the trim cannot drop (tools,
   * reply priming, a pinned system message) is an error only when over the budget by these; over
   * it only with the margin, nothing else is kept.
   */
  raw?: Counter;
}

/** Messages are counted in blocks in the trim's direction, so one countMessages call serves many. */
const BLOCK = 256;

interface CachedChat {
  content: unknown;
  name: unknown;
  toolCallId: unknown;
  role: unknown;
  toolCalls: unknown;
  chat: ChatMessage;
}

/**
 * Conversions of messages whose every counted field is immutable: string content, no tool calls
 * (an empty `tool_calls` array is checked to be still empty on each use). Anything that can be
 * edited in place (content parts, tool-call args) is converted again on every trim.
 */
const chatCache = new WeakMap<BaseMessage, CachedChat>();

/**
 * The exact counter: OpenAI's chat rules (or the model's template) through `countMessages`, for
 * `model`. When the model's tokenizer data is not loaded, core counts with the fallback encoding;
 * with `margin`, every count is then budgeted with the family's margin (`approximateMarginFor`;
 * reported once per model on the debug channel), so that the kept history fits by the real tokenizer too; `raw`
 * keeps the counts without the margin.
 */
export function exactCounter(
  list: BaseMessage[],
  model: string,
  tools: ToolDefinition[] | undefined,
  strategy: "last" | "first",
  margin = true,
): Counter {
  const empty = countMessages([], { model, tools });
  const tokens = new Float64Array(list.length).fill(-1);
  const templated = empty.chatFormat === "template";
  const at = (i: number) => {
    if (tokens[i]! < 0) {
      // Templated counts are searched by `prompt`; one message at a time here, only if asked.
      const [start, end] = templated
        ? [i, i + 1]
        : strategy === "last"
          ? [Math.max(0, i - BLOCK + 1), i + 1]
          : [i, Math.min(list.length, i + BLOCK)];
      const counted = countMessages(list.slice(start, end).map(chatOf), { model }).perMessage;
      for (let j = start; j < end; j++) {
        // A template's part can be negative (Mistral moves the system prompt into the last user turn).
        const part = templated && typeof counted[j - start] === "number" ? Math.max(0, counted[j - start]!) : counted[j - start];
        if (tokens[j]! < 0) tokens[j] = requireTokenCount(part, "a message's count");
      }
    }
    return tokens[i]!;
  };
  const raw: Counter = {
    fixed: requireTokenCount(empty.tools + empty.replyPriming, "the count of tools and reply priming"),
    fixedWhat: `tools (${empty.tools}) and reply priming (${empty.replyPriming})`,
    at,
    one: (_key, m) => requireTokenCount(countMessages([chatOf(m)], { model }).perMessage[0], "a message's count"),
    expect: () => {},
    // The plain rule joins texts: a result is counted whole.
    total: empty.chatFormat === "plain" ? (kept) => countMessages(kept.map(chatOf), { model, tools }).total : undefined,
    prompt: templated ? (kept) => requireTokenCount(promptCount(kept, model, tools), "a prompt's count") : undefined,
  };
  if (!margin || !countedWithoutData(model, empty)) return raw;
  reportOnce(`missing-data:${model}`, "trimHistory", () => missingDataMessage(model, empty.encoding));
  const toolCount = { counted: empty.tools, definitions: tools };
  return {
    ...raw,
    fixed: withApproximateMargin(raw.fixed, 0, true, model, toolCount),
    at: (i) => withApproximateMargin(raw.at(i), 1, false, model),
    one: (key, m) => withApproximateMargin(raw.one(key, m), 1, false, model),
    total: raw.total && ((kept) => withApproximateMargin(raw.total!(kept), kept.length, true, model, toolCount)),
    raw,
  };
}

/**
 * A whole result's count by the model's template. Should the template refuse it (Mistral NeMo's
 * raises on a tool-call id shorter than 9 characters, which vLLM rejects too), core counts it by
 * the plain rule, flagged: that count is budgeted with the approximate margin.
 */
function promptCount(kept: BaseMessage[], model: string, tools: ToolDefinition[] | undefined): number {
  const messages = kept.map(chatOf);
  const counted = countPromptTotal(messages, { model, tools });
  if (counted.chatFormat === "template") return counted.total;
  const plain = countMessages(messages, { model, tools });
  return withApproximateMargin(plain.total, kept.length, true, model, { counted: plain.tools, definitions: tools });
}

function chatOf(message: BaseMessage): ChatMessage {
  const m = message as BaseMessage & { tool_calls?: unknown; role?: unknown; tool_call_id?: unknown };
  let fields: Omit<CachedChat, "chat"> | undefined;
  try {
    fields = { content: m.content, name: m.name, toolCallId: m.tool_call_id, role: m.role, toolCalls: m.tool_calls };
    const hit = chatCache.get(message);
    if (hit && sameFields(hit, fields) && noCalls(m)) return hit.chat;
  } catch {
    fields = undefined; // a field that throws is reported by the conversion
  }
  const flags = new Set<MessageFlag>();
  const chat = toChatMessage(message, flags);
  if (flags.has("unreadable-field")) throw new TrimError("trimHistory: a message cannot be read (reading one of its fields threw)");
  if (fields && typeof fields.content === "string" && noCalls(m)) chatCache.set(message, { ...fields, chat });
  return chat;
}

function sameFields(a: Omit<CachedChat, "chat">, b: Omit<CachedChat, "chat">): boolean {
  return a.content === b.content && a.name === b.name && a.toolCallId === b.toolCallId && a.role === b.role && a.toolCalls === b.toolCalls;
}

function noCalls(m: BaseMessage & { tool_calls?: unknown }): boolean {
  const calls = m.tool_calls;
  const raw = (m.additional_kwargs as { tool_calls?: unknown } | undefined)?.tool_calls;
  return (calls === undefined || (Array.isArray(calls) && calls.length === 0)) && raw === undefined;
}

const ASYNC =
  "trimHistory: tokenCounter returned a Promise, and trimHistory is synchronous; use trimHistoryAsync (createHistoryTrimmer, TrimmedChatMessageHistory and contextWindowMiddleware await it)";

/** Calls the user's counter and checks its answer; a Promise is an error unless `allowAsync`. */
function callCounter(counter: MaybeAsyncTokenCounter, messages: BaseMessage[], what: string, allowAsync: true): number | Promise<number>;
function callCounter(counter: MaybeAsyncTokenCounter, messages: BaseMessage[], what: string, allowAsync: false): number;
function callCounter(
  counter: MaybeAsyncTokenCounter,
  messages: BaseMessage[],
  what: string,
  allowAsync: boolean,
): number | Promise<number> {
  let value: unknown;
  try {
    value = counter(messages);
  } catch (cause) {
    throw new TrimError(`trimHistory: tokenCounter threw on ${what}: ${describeError(cause)}`, { cause });
  }
  if (isThenable(value)) {
    if (!allowAsync) {
      value.then(undefined, () => {}); // its rejection is ours to ignore, not an unhandled one
      throw new TrimError(ASYNC);
    }
    return Promise.resolve(value).then(
      (n) => requireTokenCount(n, `tokenCounter's count of ${what}`),
      (cause) => {
        throw new TrimError(`trimHistory: tokenCounter rejected on ${what}: ${describeError(cause)}`, { cause });
      },
    );
  }
  return requireTokenCount(value, `tokenCounter's count of ${what}`);
}

/** A synchronous user counter, each message counted once per trim. */
export function customCounter(counter: MaybeAsyncTokenCounter, list: BaseMessage[]): Counter {
  const memo = new Map<number, number>();
  const at = (i: number) => memo.get(i) ?? memo.set(i, callCounter(counter, [list[i]!], `message ${i}`, false)).get(i)!;
  const fixed = callCounter(counter, [], "[] (the fixed cost)", false);
  return {
    fixed,
    fixedWhat: "tokenCounter([])",
    at,
    one: (_key, m) => callCounter(counter, [m], "a partial message", false),
    expect: () => {},
  };
}

/** Thrown inside a trim run when an async counter has not counted these candidates yet. */
class NeedCounts {
  constructor(readonly candidates: Array<[string, BaseMessage]>) {}
}

/**
 * Runs `trim` with an async counter: every message is counted (awaited) first; when a partial
 * keep needs counts of new messages, the run stops, they are counted, and the run starts again
 * (at most once per partial message, since all its candidates are counted together).
 */
export async function withAsyncCounter<T>(counter: MaybeAsyncTokenCounter, list: BaseMessage[], trim: (counter: Counter) => T): Promise<T> {
  const fixed = await callCounter(counter, [], "[] (the fixed cost)", true);
  const counts: number[] = [];
  for (let i = 0; i < list.length; i++) counts.push(await callCounter(counter, [list[i]!], `message ${i}`, true));
  const partials = new Map<string, number>();
  const memoCounter: Counter = {
    fixed,
    fixedWhat: "tokenCounter([])",
    at: (i) => counts[i]!,
    one: (key, message) => {
      const known = partials.get(key);
      if (known === undefined) throw new NeedCounts([[key, message]]);
      return known;
    },
    expect: (candidates) => {
      const missing = candidates().filter(([key]) => !partials.has(key));
      if (missing.length > 0) throw new NeedCounts(missing);
    },
  };
  for (;;) {
    try {
      return trim(memoCounter);
    } catch (error) {
      if (!(error instanceof NeedCounts)) throw error;
      for (const [key, message] of error.candidates) partials.set(key, await callCounter(counter, [message], "a partial message", true));
    }
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  try {
    return typeof value === "object" && value !== null && typeof (value as { then?: unknown }).then === "function";
  } catch {
    return false;
  }
}

function describeError(error: unknown): string {
  try {
    return error instanceof Error ? error.message : describeValue(error);
  } catch {
    return "an error";
  }
}
