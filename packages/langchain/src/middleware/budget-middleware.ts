import { AIMessage } from "@langchain/core/messages";
import { RunnableBinding, type RunnableConfig } from "@langchain/core/runnables";
import { AsyncLocalStorageProviderSingleton } from "@langchain/core/singletons";
import { createMiddleware } from "langchain";
import {
  BUDGETS_METADATA_KEY,
  type BudgetContext,
  BudgetExceededError,
  type BudgetReservation,
  configBudgetContext,
  reportRefusal,
  type TokenBudget,
  usageOf,
} from "../budget/index.js";
import { chatModelName } from "../counters/index.js";

export interface BudgetMiddlewareOptions {
  /** The budgets every model call of the agent reserves on. */
  budget: TokenBudget;
  /** On refusal: "end" (default) answers with an AI message naming the budget and ends the run; "error" throws `BudgetExceededError`. */
  exitBehavior?: "end" | "error";
  /** Who a call is for; default: read from the run's metadata and `configurable` (`user_id`, `tenant_id`, `thread_id`, `api_key_id`). */
  context?: (config: RunnableConfig | undefined) => BudgetContext;
  /** The output to reserve; default the model's `maxTokens`, else the model table's max output. */
  maxOutputTokens?: number;
  /** The model name to count and price by; default the agent model's own. */
  model?: string;
}

/**
 * Agent middleware for `createAgent` that enforces `TokenBudget`s on every model call: it
 * reserves the call's estimated cost (messages, system prompt and tools by our count, plus the
 * max output) before the call, settles with the reported usage after it and releases on error.
 * A refused call never reaches the provider: with `exitBehavior: "end"` the agent ends with an AI
 * message saying which budget refused, with "error" it throws `BudgetExceededError`. Either way
 * the ledger records the refused run, flagged `budget-exceeded`.
 *
 * @example
 * ```ts
 * const budget = new TokenBudget({ limits: [{ name: "user-daily", scope: "user", period: "day", quantity: "total", limit: 100_000 }] });
 * const agent = createAgent({ model, tools, middleware: [budgetMiddleware({ budget, exitBehavior: "end" })] });
 * await agent.invoke({ messages }, { metadata: { user_id: "u1" } });
 * ```
 */
export function budgetMiddleware(options: BudgetMiddlewareOptions) {
  if (!options || typeof (options.budget as { reserve?: unknown } | undefined)?.reserve !== "function") {
    throw new TypeError("budgetMiddleware: options.budget must be a TokenBudget");
  }
  if (options.exitBehavior !== undefined && options.exitBehavior !== "end" && options.exitBehavior !== "error") {
    throw new TypeError('budgetMiddleware: exitBehavior must be "end" or "error"');
  }
  return createMiddleware({
    name: "BudgetMiddleware",
    wrapModelCall: async (request, handler) => {
      const config = AsyncLocalStorageProviderSingleton.getRunnableConfig() as RunnableConfig | undefined;
      const model = options.model ?? chatModelName(request.model) ?? "unknown";
      const system = request.systemMessage && request.systemMessage.content !== "" ? [request.systemMessage] : [];
      const messages = [...system, ...request.messages];
      const maxTokens = (request.model as { maxTokens?: unknown }).maxTokens;
      let held: BudgetReservation;
      try {
        held = await options.budget.reserve({
          context: options.context ? options.context(config) : configBudgetContext(config),
          model,
          messages,
          tools: request.tools,
          maxOutputTokens:
            options.maxOutputTokens ?? (Number.isInteger(maxTokens) && (maxTokens as number) > 0 ? (maxTokens as number) : undefined),
        });
      } catch (error) {
        if (!(error instanceof BudgetExceededError)) throw error;
        await reportRefusal(request.model, model, messages, config, error);
        if (options.exitBehavior === "error") throw error;
        return new AIMessage({
          content: error.message,
          response_metadata: { budget_exceeded: { budget: error.budget, scopeKey: error.scopeKey } },
        });
      }
      try {
        // The agent binds its tools under this binding and keeps its config: the metadata reaches the model run.
        // (Not `withConfig`: ChatOpenAI's returns a copy of the model whose metadata is lost when tools are bound.)
        const tagged = new RunnableBinding({
          bound: request.model as never,
          config: { metadata: { [BUDGETS_METADATA_KEY]: held.budgets } },
          kwargs: {},
        });
        const response = await handler({ ...request, model: tagged as unknown as typeof request.model });
        await held.settle(usageOf(response)).catch(() => undefined);
        return response;
      } catch (error) {
        await held.release().catch(() => undefined);
        throw error;
      }
    },
  });
}
