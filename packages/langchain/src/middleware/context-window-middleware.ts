import { AIMessage } from "@langchain/core/messages";
import { DEFAULT_MODEL, resolveModel } from "@tokenledger/core";
import { createMiddleware } from "langchain";
import { z } from "zod/v3";
import { chatModelName } from "../counters/index.js";
import { validateReportedUsage } from "../ledger/index.js";
import { toToolDefinitions } from "../shared/index.js";
import { promptBudget, type TrimOptions, trimHistoryAsync } from "../trim/index.js";

export interface ContextWindowOptions
  extends Pick<TrimOptions, "strategy" | "startOn" | "endOn" | "tokenCounter" | "reserveOutputTokens" | "calibration"> {
  /** The model whose rules and window apply; default: the agent model's own name. */
  model?: string;
  /**
   * The prompt budget; default: the model profile's `maxInputTokens`, else tokenledger's table, minus
   * `reserveOutputTokens` (default: the model's max output tokens, capped at half the window).
   */
  maxTokens?: number;
  /** Tokens (input + output, as the provider reports them) one thread may spend; then the agent ends or raises. */
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
  ) {
    super(`Token budget exceeded: this thread used ${spent} tokens of its ${budget}`);
  }
}

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
  return createMiddleware({
    name: "ContextWindowMiddleware",
    stateSchema,
    beforeModel: {
      canJumpTo: ["end"],
      hook: (state) => {
        const budget = options.threadTokenBudget;
        const spent = state.threadInputTokens + state.threadOutputTokens;
        if (budget === undefined || spent < budget) return undefined;
        const error = new TokenBudgetExceededError(spent, budget);
        if (options.exitBehavior === "error") throw error;
        return { jumpTo: "end" as const, messages: [new AIMessage(error.message)] };
      },
    },
    wrapModelCall: async (request, handler) => {
      const model = options.model ?? modelNameOf(request.model);
      const tools = toToolDefinitions(request.tools);
      // A system message is sent unless its content is the empty string.
      const system = request.systemMessage && request.systemMessage.content !== "" ? [request.systemMessage] : [];
      const kept = await trimHistoryAsync([...system, ...request.messages], {
        ...options,
        model,
        tools,
        maxTokens: options.maxTokens ?? budgetFromProfile(request.model, model, options.reserveOutputTokens),
        includeSystem: system.length > 0,
      });
      return handler({ ...request, messages: kept.slice(system.length) });
    },
    afterModel: (state) => {
      const last = state.messages.at(-1) as AIMessage | undefined;
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
