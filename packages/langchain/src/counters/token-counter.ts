import type { BaseMessage } from "@langchain/core/messages";
import { countMessages, type ToolDefinition } from "@tokenledger/core";
import { countPromptTotal } from "@tokenledger/core/internal";
import { reportOnce, toToolDefinitions } from "../shared/index.js";
import { countedWithoutData, missingDataMessage, withApproximateMargin } from "./approximate-margin.js";
import { toChatMessage } from "./to-chat-message.js";

/** LangChain's counter shape (`trimMessages`, `summarizationMiddleware`, `ContextEdit`): a message list in, a number out. */
export type TokenCounter = (messages: BaseMessage[]) => number;

/** A chat model instance, read only for its name: `model`, `modelName` or its identifying params. */
export type ChatModelLike = { model?: unknown; modelName?: unknown; _identifyingParams?: () => unknown };

export interface TokenCounterOptions {
  /** Tools sent with every call, counted in each result: OpenAI definitions or LangChain tools. */
  tools?: unknown[];
}

/** What `createTokenCounter` attaches to its counter, so that `trimHistory` can count by the same rules on its own cached path. */
const RULES = Symbol.for("tokenledger.tokenCounter");
export interface CounterRules {
  model: string;
  tools: ToolDefinition[];
}
type MarkedCounter = TokenCounter & { [RULES]?: CounterRules };

/**
 * An exact, synchronous, offline `tokenCounter` for LangChain: for a list of messages it
 * returns the `prompt_tokens` the provider reports when exactly those messages are sent
 * (per-message framing, names, tool calls and reply priming included, plus `tools`).
 * Takes a model name or a chat model instance (only its name is read; its `getNumTokens`,
 * which may download a tokenizer, is never called). For an open-weight model whose tokenizer
 * data is not loaded (`loadEncoding`), the count is an estimate with a safety margin
 * (its family's, `approximateMarginFor`), reported once per model on the debug channel (`TOKENLEDGER_DEBUG`). Fits `trimMessages`,
 * `summarizationMiddleware`, a `ContextEdit` (see `withTokenCounter`) and `trimHistory`.
 *
 * @example
 * ```ts
 * const tokenCounter = createTokenCounter(new ChatOpenAI({ model: "gpt-4o-mini" }));
 * summarizationMiddleware({ model: summarizer, trigger: { tokens: 4000 }, tokenCounter });
 * await trimMessages(history, { maxTokens: 4000, tokenCounter });
 * tokenCounter([new HumanMessage("Hello")]); // 8: 3 framing + 1 role + 1 text + 3 reply priming
 * ```
 */
export function createTokenCounter(model: string | ChatModelLike, options: TokenCounterOptions = {}): TokenCounter {
  const name = chatModelName(model);
  if (name === undefined) {
    throw new TypeError("createTokenCounter: cannot read a model name from this model; pass its name, e.g. createTokenCounter('gpt-4o')");
  }
  const rules: CounterRules = { model: name, tools: toToolDefinitions(options.tools) };
  const counter: MarkedCounter = (messages) => {
    const list = Array.isArray(messages) ? messages : [];
    const chat = list.map((m) => toChatMessage(m));
    // The total alone: one render for a model with its own chat template, whatever the length.
    const total = countPromptTotal(chat, rules);
    if (!countedWithoutData(name, total)) return total.total;
    const count = countMessages(chat, rules);
    reportOnce(`missing-data:${name}`, "createTokenCounter", () => missingDataMessage(name, count.encoding));
    return withApproximateMargin(count.total, list.length, true, name, { counted: count.tools, definitions: rules.tools });
  };
  counter[RULES] = rules;
  return counter;
}

/**
 * The model name a chat model instance (or a `"provider:model"` string, as `initChatModel`
 * takes) stands for; `undefined` when it has none.
 *
 * @example
 * ```ts
 * chatModelName(new ChatOpenAI({ model: "gpt-4o-mini" })); // "gpt-4o-mini"
 * chatModelName("openai:gpt-4o");                          // "gpt-4o"
 * ```
 */
export function chatModelName(model: unknown): string | undefined {
  if (typeof model === "string") return model.startsWith("ft:") ? model : model.replace(/^[\w-]+:/, "") || undefined;
  if (!model || typeof model !== "object") return undefined;
  const m = model as ChatModelLike & { lc_kwargs?: Record<string, unknown> };
  const named = [m.model, m.modelName, m.lc_kwargs?.model, m.lc_kwargs?.modelName].find((v) => typeof v === "string" && v !== "");
  if (named !== undefined) return named as string;
  try {
    const params = (typeof m._identifyingParams === "function" ? m._identifyingParams() : undefined) as Record<string, unknown> | undefined;
    const name = params?.model_name ?? params?.model;
    return typeof name === "string" && name !== "" ? name : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The model and tools a counter from `createTokenCounter` counts with; `undefined` for any
 * other value.
 *
 * @example
 * ```ts
 * counterRules(createTokenCounter("gpt-4o")); // { model: "gpt-4o", tools: [] }
 * counterRules((messages) => messages.length); // undefined
 * ```
 */
export function counterRules(counter: unknown): CounterRules | undefined {
  return typeof counter === "function" ? (counter as MarkedCounter)[RULES] : undefined;
}

/**
 * A `ContextEdit` for `contextEditingMiddleware` that counts with `counter` instead of the
 * middleware's characters/4 estimate (or the model's `getNumTokensFromMessages`, which
 * downloads a tokenizer).
 *
 * @example
 * ```ts
 * contextEditingMiddleware({
 *   edits: [withTokenCounter(new ClearToolUsesEdit({ trigger: { tokens: 50_000 } }), createTokenCounter("gpt-4o"))],
 * });
 * ```
 */
export function withTokenCounter<P extends { countTokens: unknown }, R>(
  edit: { apply(params: P): R },
  counter: TokenCounter,
): { apply(params: P): R } {
  return { apply: (params) => edit.apply({ ...params, countTokens: counter }) };
}
