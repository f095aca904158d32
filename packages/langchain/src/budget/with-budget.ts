import type { BaseLanguageModelInput } from "@langchain/core/language_models/base";
import { type AIMessage, type AIMessageChunk, type BaseMessage, coerceMessageLikeToMessage, HumanMessage } from "@langchain/core/messages";
import { ensureConfig, Runnable, type RunnableConfig } from "@langchain/core/runnables";
import { chatModelName } from "../counters/index.js";
import { BudgetExceededError } from "./budget-exceeded-error.js";
import { type BudgetContext, configBudgetContext } from "./budget-limit.js";
import { BUDGETS_METADATA_KEY, reportRefusal } from "./report-refusal.js";
import type { BudgetReservation, BudgetUsage, TokenBudget } from "./token-budget.js";

export interface WithBudgetOptions {
  /** Who a call is for; default: read from the run's metadata (`user_id`, `tenant_id`, `thread_id`, `api_key_id`) and `configurable` (`thread_id`, `sessionId`). */
  context?: (config: RunnableConfig) => BudgetContext;
  /** The output to reserve; default the model's `maxTokens`, else the model table's max output. */
  maxOutputTokens?: number;
  /** The model name to count and price by; default the model's own. */
  model?: string;
}

interface ModelLike {
  invoke(input: BaseLanguageModelInput, options?: RunnableConfig): Promise<AIMessage | AIMessageChunk>;
  stream(input: BaseLanguageModelInput, options?: RunnableConfig): Promise<AsyncIterable<AIMessageChunk>>;
}

/**
 * A chat model (or a model with tools bound) whose every call first reserves on `budget`,
 * is refused with `BudgetExceededError` when a budget would be crossed, and is settled with
 * the reported usage (released when the call fails). The budget names go into the model run's
 * metadata as `tokenledger_budgets`, and a refused call is recorded by the ledger as a failed run
 * flagged `budget-exceeded`. Works in LCEL chains and under `RunnableWithMessageHistory`
 * (the history's `sessionId` is the thread), with `invoke`, `batch` and `stream`.
 *
 * @example
 * ```ts
 * const model = withBudget(new ChatOpenAI({ model: "gpt-4o-mini", maxTokens: 500 }), budget);
 * const chain = prompt.pipe(model);
 * await chain.invoke({ question }, { metadata: { user_id: "u1", tenant_id: "acme" } });
 * ```
 */
export function withBudget(
  model: ModelLike,
  budget: TokenBudget,
  options: WithBudgetOptions = {},
): Runnable<BaseLanguageModelInput, AIMessageChunk> {
  return new BudgetedModel(model, budget, options);
}

class BudgetedModel extends Runnable<BaseLanguageModelInput, AIMessageChunk> {
  lc_namespace = ["tokenledger", "budget"];
  readonly #model: ModelLike;
  readonly #budget: TokenBudget;
  readonly #options: WithBudgetOptions;
  readonly #name: string;

  constructor(model: ModelLike, budget: TokenBudget, options: WithBudgetOptions) {
    super();
    this.#model = model;
    this.#budget = budget;
    this.#options = options;
    const name = options.model ?? chatModelName(boundOf(model));
    if (name === undefined) throw new TypeError("withBudget: cannot read a model name from this model; pass options.model");
    this.#name = name;
  }

  override async invoke(input: BaseLanguageModelInput, options?: Partial<RunnableConfig>): Promise<AIMessageChunk> {
    const config = ensureConfig(options);
    const held = await this.#reserve(input, config);
    let reply: AIMessage | AIMessageChunk;
    try {
      reply = await this.#model.invoke(input, withBudgets(config, held));
    } catch (error) {
      await quietly(held.release());
      throw error;
    }
    await quietly(held.settle(usageOf(reply)));
    return reply as AIMessageChunk;
  }

  override async *_streamIterator(input: BaseLanguageModelInput, options?: Partial<RunnableConfig>): AsyncGenerator<AIMessageChunk> {
    const config = ensureConfig(options);
    const held = await this.#reserve(input, config);
    let usage: BudgetUsage | undefined;
    let ended = false;
    try {
      for await (const chunk of await this.#model.stream(input, withBudgets(config, held))) {
        usage = usageOf(chunk) ?? usage;
        yield chunk;
      }
      ended = true;
    } finally {
      // A stream stopped early (error, abort, consumer gone) bills what was reported, else nothing.
      await quietly(ended ? held.settle(usage) : held.release(usage));
    }
  }

  async #reserve(input: BaseLanguageModelInput, config: RunnableConfig): Promise<BudgetReservation> {
    const messages = toMessages(input);
    const context = this.#options.context ? this.#options.context(config) : configBudgetContext(config);
    const bound = boundOf(this.#model) as { maxTokens?: unknown };
    const maxTokens =
      this.#options.maxOutputTokens ??
      (Number.isInteger(bound.maxTokens) && (bound.maxTokens as number) > 0 ? (bound.maxTokens as number) : undefined);
    try {
      return await this.#budget.reserve({ context, model: this.#name, messages, tools: toolsOf(this.#model), maxOutputTokens: maxTokens });
    } catch (error) {
      if (error instanceof BudgetExceededError) await reportRefusal(boundOf(this.#model), this.#name, messages, config, error);
      throw error;
    }
  }
}

/** The call's config with the budgets' names added to its metadata, for the ledger. */
export function withBudgets(config: RunnableConfig, held: BudgetReservation): RunnableConfig {
  return { ...config, metadata: { ...config.metadata, [BUDGETS_METADATA_KEY]: held.budgets } };
}

/** The usage a reply reports (LangChain's `usage_metadata`), or undefined when it reports none. */
export function usageOf(reply: unknown): BudgetUsage | undefined {
  const u = (
    reply as
      | { usage_metadata?: { input_tokens?: unknown; output_tokens?: unknown; input_token_details?: { cache_read?: unknown } } }
      | undefined
  )?.usage_metadata;
  if (!u || typeof u.input_tokens !== "number" || typeof u.output_tokens !== "number") return undefined;
  const cached = u.input_token_details?.cache_read;
  return { inputTokens: u.input_tokens, outputTokens: u.output_tokens, cachedInputTokens: typeof cached === "number" ? cached : undefined };
}

/** Settling must not fail the call it bills: a store error leaves the reservation to expire. */
async function quietly(promise: Promise<void>): Promise<void> {
  try {
    await promise;
  } catch {
    // The reservation lapses after its time-to-live.
  }
}

/** The model under a `bindTools`/`withConfig` binding, whose name and maxTokens count. */
function boundOf(model: unknown): unknown {
  const bound = (model as { bound?: unknown }).bound;
  return bound && typeof bound === "object" ? bound : model;
}

function toolsOf(model: unknown): unknown[] | undefined {
  const m = model as { kwargs?: { tools?: unknown }; config?: { tools?: unknown } };
  const tools = m.kwargs?.tools ?? m.config?.tools;
  return Array.isArray(tools) ? tools : undefined;
}

function toMessages(input: BaseLanguageModelInput): BaseMessage[] {
  if (typeof input === "string") return [new HumanMessage(input)];
  if (Array.isArray(input)) return input.map((m) => coerceMessageLikeToMessage(m));
  const prompt = input as { toChatMessages?: () => BaseMessage[] };
  return typeof prompt.toChatMessages === "function" ? prompt.toChatMessages() : [];
}
