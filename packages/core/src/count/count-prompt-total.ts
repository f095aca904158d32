import { DEFAULT_MODEL, resolveModelForCount } from "../models/index.js";
import type { ChatMessage } from "./chat-types.js";
import { countMessages } from "./count-messages.js";
import { countTemplatedPrefix, countTemplatedTotal } from "./count-templated.js";
import { fromLangChainMessages } from "./langchain-messages.js";
import type { CountMessagesOptions, MessageCount } from "./message-count.js";

/** What `countPromptTotal` answers: `countMessages`'s answer without the parts. */
export type PromptTotal = Pick<MessageCount, "total" | "encoding" | "chatFormat" | "approximate">;

/**
 * The `total` of `countMessages` (same count, same flags), without the per-message parts: for a
 * model with its own chat template the template is rendered once, not once per prefix, so the
 * cost is linear in the conversation's length. For a search over many candidate prompts (a trim
 * of a long history), where the parts are not needed.
 *
 * @example
 * ```ts
 * const { total } = countPromptTotal(messages, { model: "meta-llama/Llama-3.1-8B-Instruct" });
 * ```
 */
export function countPromptTotal(messages: readonly ChatMessage[], opts?: CountMessagesOptions): PromptTotal {
  // An empty context is 0 without a render: the same single render of the whole prompt.
  const { context: _none, ...total } = countPromptAndContext(messages, 0, opts);
  return total;
}

/** What `countPromptAndContext` answers: `countPromptTotal`'s, and what the context adds up to. */
export type PromptAndContext = PromptTotal & {
  /** The sum of `countMessages`'s `perMessage` over the first `contextEnd` messages. */
  context: number;
};

/**
 * `countPromptTotal`, and what the first `contextEnd` messages (the history before the newest
 * turn) add up to in `countMessages`'s parts: for a model with its own chat template, two renders
 * (the whole prompt, and those messages alone) instead of one per prefix, so a run's start costs
 * time linear in its conversation's length. Never throws.
 *
 * @example
 * ```ts
 * const { total, context } = countPromptAndContext(messages, messages.length - 1, { model: "meta-llama/Llama-3.1-8B-Instruct" });
 * ```
 */
export function countPromptAndContext(messages: readonly ChatMessage[], contextEnd: number, opts?: CountMessagesOptions): PromptAndContext {
  try {
    const model = opts?.model ?? DEFAULT_MODEL;
    const info = resolveModelForCount(typeof model === "string" ? model : DEFAULT_MODEL);
    if (info.chatFormat === "template" && Array.isArray(messages)) {
      const list = fromLangChainMessages(messages as ChatMessage[]);
      const counted = countTemplatedTotal(list, info, opts?.tools);
      const context = counted && countTemplatedPrefix(list.slice(0, Math.max(0, contextEnd)), info);
      if (counted && context !== undefined) return { ...counted, context };
    }
  } catch {
    // Whatever threw is counted (and flagged) by countMessages' guarded path.
  }
  const { total, encoding, chatFormat, approximate, perMessage } = countMessages(messages, opts);
  let context = 0;
  for (let i = 0; i < Math.min(contextEnd, perMessage.length); i++) context += perMessage[i] ?? 0;
  return { total, encoding, chatFormat, approximate, context };
}
