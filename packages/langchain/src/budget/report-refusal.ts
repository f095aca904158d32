import { CallbackManager } from "@langchain/core/callbacks/manager";
import type { BaseMessage } from "@langchain/core/messages";
import type { RunnableConfig } from "@langchain/core/runnables";
import type { BudgetExceededError } from "./budget-exceeded-error.js";

/** The metadata key that names a call's budgets on its model run, as the ledger reads it. */
export const BUDGETS_METADATA_KEY = "tokenledger_budgets";

/**
 * Tells the run's callbacks (the ledger among them) that a model call was refused: a model run
 * starts with the messages it would have sent and ends with `error`, so the ledger records it
 * with its flag `budget-exceeded` and the refusing budget's name. Never throws: a failing
 * callback must not hide the refusal.
 */
export async function reportRefusal(
  model: unknown,
  modelName: string,
  messages: BaseMessage[],
  config: RunnableConfig | undefined,
  error: BudgetExceededError,
): Promise<void> {
  try {
    const m = model as {
      toJSON?: () => unknown;
      invocationParams?: (options?: unknown) => unknown;
      callbacks?: unknown;
      tags?: string[];
      metadata?: Record<string, unknown>;
    };
    const manager = CallbackManager.configure(config?.callbacks, m.callbacks as never, config?.tags, m.tags, config?.metadata, {
      ...m.metadata,
      ls_model_name: modelName,
      [BUDGETS_METADATA_KEY]: [error.budget],
    });
    if (!manager) return;
    let invocationParams: unknown = { model: modelName };
    try {
      invocationParams = { model: modelName, ...(m.invocationParams?.({}) as object | undefined) };
    } catch {
      // The model's own params are optional here; its name is enough.
    }
    const serialized = (typeof m.toJSON === "function" ? m.toJSON() : { lc: 1, type: "not_implemented", id: [modelName] }) as never;
    const runs = await manager.handleChatModelStart(
      serialized,
      [messages],
      undefined,
      undefined,
      { invocation_params: invocationParams },
      undefined,
      undefined,
      config?.runName,
    );
    await Promise.all(runs.map((run) => run.handleLLMError(error)));
  } catch {
    // Reporting is best effort; the refusal itself is thrown by the caller.
  }
}
