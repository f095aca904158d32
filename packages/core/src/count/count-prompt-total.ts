import { DEFAULT_MODEL, resolveModelForCount } from "../models/index.js";
import type { ChatMessage } from "./chat-types.js";
import { countMessages } from "./count-messages.js";
import { countTemplatedTotal } from "./count-templated.js";
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
  try {
    const model = opts?.model ?? DEFAULT_MODEL;
    const info = resolveModelForCount(typeof model === "string" ? model : DEFAULT_MODEL);
    if (info.chatFormat === "template" && Array.isArray(messages)) {
      const counted = countTemplatedTotal(fromLangChainMessages(messages as ChatMessage[]), info, opts?.tools);
      if (counted) return counted;
    }
  } catch {
    // Whatever threw is counted (and flagged) by countMessages' guarded path.
  }
  const { total, encoding, chatFormat, approximate } = countMessages(messages, opts);
  return { total, encoding, chatFormat, approximate };
}
