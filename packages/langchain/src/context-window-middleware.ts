import { AIMessage, type BaseMessage, type SystemMessage } from "@langchain/core/messages";
import { convertToOpenAITool } from "@langchain/core/utils/function_calling";
import { DEFAULT_MODEL, resolveModel, type ToolDefinition } from "@tokenledger/core";
import { createMiddleware } from "langchain";
import { z } from "zod/v3";
import { promptBudget } from "./prompt-budget.js";
import { chatModelName } from "./token-counter.js";
import { type TrimOptions, trimHistoryAsync } from "./trim-history.js";

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
      const tools = toolDefinitions(request.tools);
      const system = request.systemMessage && textOf(request.systemMessage) !== "" ? [request.systemMessage] : [];
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
      return {
        threadInputTokens: state.threadInputTokens + (usage.input_tokens ?? 0),
        threadOutputTokens: state.threadOutputTokens + (usage.output_tokens ?? 0),
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

function toolDefinitions(tools: unknown[] | undefined): ToolDefinition[] {
  const definitions: ToolDefinition[] = [];
  for (const tool of tools ?? []) {
    try {
      definitions.push(convertToOpenAITool(tool as never) as ToolDefinition);
    } catch {
      // A provider's built-in tool has no OpenAI function shape; it is sent as is and not counted.
    }
  }
  return definitions;
}

function textOf(message: BaseMessage | SystemMessage): string {
  return typeof message.content === "string" ? message.content : JSON.stringify(message.content);
}
