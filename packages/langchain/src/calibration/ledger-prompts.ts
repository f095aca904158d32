import type { BaseMessage } from "@langchain/core/messages";
import type { RunStartEvent } from "../ledger/index.js";
import { BoundedMap } from "../shared/index.js";

/** What a model run was sent: its messages and tool definitions, as the start event gave them. */
export interface ObservedPrompt {
  messages: readonly BaseMessage[];
  tools?: unknown;
}

/** A ledger that announces its runs' starts (`TokenLedgerHandler.onRunStart`). */
export interface PromptSource {
  onRunStart?(listener: (start: RunStartEvent) => unknown): () => void;
}

/** Prompts of runs started and not yet recorded, at most this many (the oldest forgotten first). */
const MAX_IN_FLIGHT = 1_000;

/**
 * Keeps the prompts a ledger's runs start with, by run id, so that the record that ends a run
 * can be matched with what was sent. A ledger without `onRunStart` gives none. Returns the
 * prompts in flight and the unsubscribe (which forgets them).
 *
 * @example
 * ```ts
 * const { prompts, stop } = watchPrompts(ledger);
 * prompts.get(record.runId); // { messages, tools }
 * ```
 */
export function watchPrompts(ledger: object): { prompts: BoundedMap<string, ObservedPrompt>; stop: () => void } {
  const prompts = new BoundedMap<string, ObservedPrompt>(MAX_IN_FLIGHT);
  const source = ledger as PromptSource;
  const unsubscribe =
    typeof source?.onRunStart === "function"
      ? source.onRunStart(({ runId, messages, tools }) => {
          prompts.set(runId, tools === undefined ? { messages } : { messages, tools });
        })
      : () => {};
  return {
    prompts,
    stop: () => {
      unsubscribe();
      prompts.clear();
    },
  };
}
