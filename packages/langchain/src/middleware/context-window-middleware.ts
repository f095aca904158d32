import { AIMessage, type BaseMessage } from "@langchain/core/messages";
import { DEFAULT_MODEL, resolveModel, type ToolDefinition } from "@tokenledger/core";
import { createMiddleware } from "langchain";
import { z } from "zod/v3";
import { APPROXIMATE_MARGIN, chatModelName } from "../counters/index.js";
import { validateReportedUsage } from "../ledger/index.js";
import { ContextWindowExceededError, promptCount } from "../recovery/index.js";
import { BoundedMap, toToolDefinitions } from "../shared/index.js";
import { callWithRetry, promptBudget, type RefusalMemory, type TrimOptions } from "../trim/index.js";

export interface ContextWindowOptions
  extends Pick<TrimOptions, "strategy" | "startOn" | "endOn" | "tokenCounter" | "reserveOutputTokens" | "calibration"> {
  /** The model whose rules and window apply; default: the agent model's own name. */
  model?: string;
  /**
   * The prompt budget; default: the model profile's `maxInputTokens`, else tokenledger's table, minus
   * `reserveOutputTokens` (default: the model's max output tokens, capped at half the window).
   */
  maxTokens?: number;
  /**
   * Tokens (input + output, as the provider reports them) one thread may spend. Each call reserves
   * its estimated cost before it runs (the trimmed prompt by our count times the calibration's
   * safety factor, plus the model's max output tokens) and settles with the reported usage after
   * it: a call whose reservation does not fit is not made, and the agent ends or raises. A thread
   * spends at most its budget plus one call's estimation error.
   */
  threadTokenBudget?: number;
  /** What happens when the budget is spent: "end" (default) adds a final AI message and ends; "error" throws. */
  exitBehavior?: "end" | "error";
}

/**
 * Thrown by `contextWindowMiddleware` with `exitBehavior: "error"` when a thread's token budget is spent.
 *
 * @example
 * ```ts
 * try { await agent.invoke(input); } catch (e) { if (e instanceof TokenBudgetExceededError) console.log(e.spent, e.budget); }
 * ```
 */
export class TokenBudgetExceededError extends Error {
  override name = "TokenBudgetExceededError";
  constructor(
    readonly spent: number,
    readonly budget: number,
    /** The next call's estimated cost, reserved before it would run (0 when the budget was already spent). */
    readonly reserved = 0,
  ) {
    super(
      reserved > 0
        ? `Token budget exceeded: this thread used ${spent} tokens of its ${budget}, and the next call may use up to ${reserved}`
        : `Token budget exceeded: this thread used ${spent} tokens of its ${budget}`,
    );
  }
}

/** Stand-in messages whose error is not yet thrown, at most (each is thrown right after its call). */
const STAND_IN_LIMIT = 1000;
let standIns = 0;

const stateSchema = z.object({
  threadInputTokens: z.number().default(0),
  threadOutputTokens: z.number().default(0),
});

/**
 * Agent middleware for `createAgent`: before each model call it trims the messages sent
 * (never the agent's state) to fit the model's window, system prompt and tools included;
 * after each call it adds the provider-reported usage to the thread's state
 * (`threadInputTokens`, `threadOutputTokens`); with `threadTokenBudget` it stops the
 * thread once the budget is spent.
 *
 * @example
 * ```ts
 * const agent = createAgent({
 *   model: new ChatOpenAI({ model: "gpt-4o-mini" }),
 *   tools: [search],
 *   middleware: [contextWindowMiddleware({ maxTokens: 8000, threadTokenBudget: 200_000 })],
 * });
 * ```
 */
export function contextWindowMiddleware(options: ContextWindowOptions = {}) {
  validateOptions(options);
  const stop = (spent: number, budget: number, reserved = 0) => {
    const error = new TokenBudgetExceededError(spent, budget, reserved);
    if (options.exitBehavior === "error") throw error;
    return error;
  };
  /**
   * Errors raised in wrapModelCall reach the caller wrapped by the agent (a MiddlewareError), so
   * they are answered with a stand-in message and thrown from afterModel as they are. Keyed by the
   * stand-in's id; bounded.
   */
  const raised = new BoundedMap<string, Error>(STAND_IN_LIMIT);
  /** A cap on later budgets from refusals the calibration could not learn (see callWithRetry). */
  const memory: RefusalMemory = {};
  return createMiddleware({
    name: "ContextWindowMiddleware",
    stateSchema,
    beforeModel: {
      canJumpTo: ["end"],
      hook: (state) => {
        const budget = options.threadTokenBudget;
        const spent = state.threadInputTokens + state.threadOutputTokens;
        if (budget === undefined || spent < budget) return undefined;
        return { jumpTo: "end" as const, messages: [new AIMessage(stop(spent, budget).message)] };
      },
    },
    wrapModelCall: async (request, handler) => {
      const model = options.model ?? modelNameOf(request.model);
      const tools = toToolDefinitions(request.tools);
      // A system message is sent unless its content is the empty string.
      const system = request.systemMessage && request.systemMessage.content !== "" ? [request.systemMessage] : [];
      const trim = {
        ...options,
        model,
        tools,
        maxTokens: options.maxTokens ?? budgetFromProfile(request.model, model, options.reserveOutputTokens),
        includeSystem: system.length > 0,
      };
      // Trims, calls, and on a context-length refusal learns the provider's size and retries once.
      const call = callWithRetry(
        [...system, ...request.messages],
        trim,
        async (kept) => {
          const budget = options.threadTokenBudget;
          if (budget !== undefined) {
            const state = request.state as { threadInputTokens?: number; threadOutputTokens?: number };
            const spent = (state.threadInputTokens ?? 0) + (state.threadOutputTokens ?? 0);
            const reserved = estimateCost(kept, model, tools, request.model, options);
            // Reserved before the call: a call that could cross the budget is not made.
            if (spent + reserved > budget) return new AIMessage(stop(spent, budget, reserved).message);
          }
          return handler({ ...request, messages: kept.slice(system.length) });
        },
        memory,
      );
      try {
        return await call;
      } catch (error) {
        if (!(error instanceof ContextWindowExceededError || error instanceof TokenBudgetExceededError)) throw error;
        const id = `tokenledger-raised-${++standIns}`;
        raised.set(id, error);
        return new AIMessage({ id, content: error.message });
      }
    },
    afterModel: (state) => {
      const last = state.messages.at(-1) as AIMessage | undefined;
      const error = typeof last?.id === "string" ? raised.get(last.id) : undefined;
      if (error && last?.id) {
        raised.delete(last.id);
        throw error;
      }
      const usage = last?.usage_metadata;
      if (!usage) return undefined;
      // Validated as the ledger validates it: a string, negative or fractional number adds nothing.
      const { usage: valid } = validateReportedUsage({
        input: usage.input_tokens,
        output: usage.output_tokens,
        total: usage.total_tokens,
      });
      return {
        threadInputTokens: state.threadInputTokens + (valid.inputTokens ?? 0),
        threadOutputTokens: state.threadOutputTokens + (valid.outputTokens ?? 0),
      };
    },
  });
}

function modelNameOf(model: unknown): string {
  return chatModelName(model) ?? DEFAULT_MODEL;
}

/**
 * The budget from the chat model's own profile, with trimHistory's default reserve; without a
 * usable profile (none, or a window that is not a positive finite number), trimHistory takes it
 * from tokenledger's table.
 */
function budgetFromProfile(model: unknown, name: string, reserve: number | undefined): number | undefined {
  const profile = (model as { profile?: { maxInputTokens?: unknown; maxOutputTokens?: unknown } } | undefined)?.profile;
  const window = profile?.maxInputTokens;
  if (typeof window !== "number" || !Number.isFinite(window) || window <= 0) return undefined;
  const maxOutput = resolveModel(name).maxOutputTokens ?? profile?.maxOutputTokens;
  return promptBudget(window, typeof maxOutput === "number" ? maxOutput : undefined, reserve);
}

/** Bad numbers are one clear error when the middleware is made, not an agent that ends before any call. */
function validateOptions(options: ContextWindowOptions): void {
  const check = (name: keyof ContextWindowOptions, positive: boolean) => {
    const value = options[name];
    if (value === undefined) return;
    if (typeof value !== "number" || !Number.isFinite(value) || value < 0 || (positive && value === 0)) {
      throw new RangeError(`contextWindowMiddleware: ${name} must be a finite number ${positive ? "> 0" : ">= 0"}, got ${String(value)}`);
    }
  };
  check("threadTokenBudget", true);
  check("maxTokens", false);
  check("reserveOutputTokens", false);
  if (options.exitBehavior !== undefined && options.exitBehavior !== "end" && options.exitBehavior !== "error") {
    throw new RangeError(`contextWindowMiddleware: exitBehavior must be "end" or "error", got ${String(options.exitBehavior)}`);
  }
}

/**
 * What a call may cost at most, by our estimate: the prompt by our count times the calibration's
 * safety factor (without one: 1 for an exact count, `APPROXIMATE_MARGIN.factor` for an estimate),
 * plus the most output the model may write (its `maxTokens`, else the model's listed max output,
 * else its profile's).
 */
function estimateCost(
  kept: BaseMessage[],
  model: string,
  tools: ToolDefinition[],
  chatModel: unknown,
  options: ContextWindowOptions,
): number {
  const count = promptCount(kept, model, tools);
  let factor = count.approximate ? APPROXIMATE_MARGIN.factor : 1;
  try {
    const f = options.calibration?.safetyFactor(model);
    if (typeof f === "number" && Number.isFinite(f) && f > 0) factor = Math.max(1, f);
  } catch {
    // A calibration that throws leaves the default margin.
  }
  return Math.ceil(count.total * factor) + maxOutputOf(chatModel, model);
}

function maxOutputOf(chatModel: unknown, model: string): number {
  const m = chatModel as { maxTokens?: unknown; maxCompletionTokens?: unknown; profile?: { maxOutputTokens?: unknown } } | undefined;
  for (const value of [m?.maxCompletionTokens, m?.maxTokens, resolveModel(model).maxOutputTokens, m?.profile?.maxOutputTokens]) {
    if (typeof value === "number" && Number.isFinite(value) && value > 0) return value;
  }
  return 0;
}
