import type { BaseMessage } from "@langchain/core/messages";
import { BoundedMap } from "../shared/index.js";

/** What a model run was sent: its messages and tool definitions, as the start event gave them. */
export interface ObservedPrompt {
  messages: readonly BaseMessage[];
  tools?: unknown;
}

/** Prompts of runs started and not yet recorded, at most this many (the oldest forgotten first). */
const MAX_IN_FLIGHT = 1_000;

type ChatModelStart = (
  llm: unknown,
  messages: BaseMessage[][],
  runId: string,
  parentRunId?: string,
  extraParams?: unknown,
  ...rest: unknown[]
) => unknown;

/**
 * Watches the prompts a ledger (a LangChain callback handler) sees start, by run id, so that the
 * record that ends the run can be matched with what was sent. The ledger's own
 * `handleChatModelStart` still runs, first and unchanged; what this adds never throws. Returns the
 * prompts in flight and the undo (which restores the ledger's method).
 */
export function watchPrompts(ledger: object): { prompts: BoundedMap<string, ObservedPrompt>; stop: () => void } {
  const prompts = new BoundedMap<string, ObservedPrompt>(MAX_IN_FLIGHT);
  const target = ledger as { handleChatModelStart?: ChatModelStart };
  const original = target.handleChatModelStart;
  if (typeof original !== "function") return { prompts, stop: () => {} };
  const own = Object.hasOwn(target, "handleChatModelStart");
  const watching: ChatModelStart = function (this: unknown, llm, messages, runId, parentRunId, extraParams, ...rest) {
    const result = original.call(this, llm, messages, runId, parentRunId, extraParams, ...rest);
    try {
      const sent = messages?.[0];
      if (typeof runId === "string" && Array.isArray(sent)) {
        const tools = (extraParams as { invocation_params?: { tools?: unknown } } | undefined)?.invocation_params?.tools;
        prompts.set(runId, { messages: sent, tools });
      }
    } catch {
      // A prompt that cannot be read is observed without its kinds of text.
    }
    return result;
  };
  target.handleChatModelStart = watching;
  return {
    prompts,
    stop: () => {
      if (target.handleChatModelStart !== watching) return;
      if (own) target.handleChatModelStart = original;
      else delete target.handleChatModelStart;
      prompts.clear();
    },
  };
}
