import type { BaseMessage } from "@langchain/core/messages";
import type { ChatMessage } from "@tokenledger/core";
import { langChainToChatMessage, type MessageFlag } from "@tokenledger/core/internal";

export type { MessageFlag } from "@tokenledger/core/internal";

/**
 * A LangChain message as the OpenAI Chat Completions message that `ChatOpenAI` sends for
 * it: role, text and image parts, tool calls with JSON arguments, tool_call_id, name.
 * Never throws; what it had to guess is added to `flags`. The same conversion as core's
 * `countMessages` applies to LangChain messages, so both count alike.
 *
 * @example
 * ```ts
 * toChatMessage(new AIMessage({ content: "", tool_calls: [{ name: "f", args: { x: 1 }, id: "c1" }] }));
 * // { role: "assistant", content: "", tool_calls: [{ id: "c1", type: "function", function: { name: "f", arguments: '{"x":1}' } }] }
 * ```
 */
export function toChatMessage(message: BaseMessage, flags?: Set<MessageFlag>): ChatMessage {
  return langChainToChatMessage(message, flags);
}
