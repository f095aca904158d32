import type { BaseMessage } from "@langchain/core/messages";
import type { LLMResult } from "@langchain/core/outputs";
import { type ChatMessage, countTokens } from "@tokenledger/core";
import { countPromptAndContext } from "@tokenledger/core/internal";
import { type MessageFlag, toChatMessage } from "../counters/index.js";
import { toToolDefinitions } from "../shared/index.js";

export type CountFlag = MessageFlag | "approximate-count" | "count-failed";

export interface PromptCount {
  /** The whole prompt: messages, tools, reply priming; absent when counting failed. */
  estimatedInputTokens?: number;
  /** The messages before the newest user turn, per-message overhead included. */
  contextTokens: number;
  flags: Set<CountFlag>;
}

/**
 * Counts a chat prompt as `ChatOpenAI` sends it, tool definitions included. Never throws:
 * a failure is the `count-failed` flag.
 *
 * @example
 * ```ts
 * countPrompt([new SystemMessage("Be brief."), new HumanMessage("Hi")], undefined, "gpt-4o");
 * // { estimatedInputTokens: 15, contextTokens: 7, flags: Set {} }
 * ```
 */
export function countPrompt(messages: unknown, rawTools: unknown, model: string): PromptCount {
  const flags = new Set<CountFlag>();
  try {
    const chat = (Array.isArray(messages) ? (messages as BaseMessage[]) : []).map((m) => toChatMessage(m, flags as Set<MessageFlag>));
    const tools = toToolDefinitions(rawTools, () => flags.add("approximate-count"));
    // Two renders for a model with its own chat template, whatever the history's length.
    const count = countPromptAndContext(chat, contextEnd(chat), { model, tools });
    if (count.approximate) flags.add("approximate-count");
    return { estimatedInputTokens: count.total, contextTokens: count.context, flags };
  } catch {
    flags.add("count-failed");
    return { contextTokens: 0, flags };
  }
}

/**
 * Counts the output of a run locally: the generations' text and tool calls or, for a run
 * that never ended, the tokens streamed so far. Never throws: a failure counts 0 and adds
 * `count-failed` to `flags`.
 *
 * @example
 * ```ts
 * countOutput({ generations: [[{ text: "Hello there" }]] }, [], "gpt-4o", new Set()); // 2
 * ```
 */
export function countOutput(output: LLMResult | undefined, streamed: string[], model: string, flags: Set<CountFlag>): number {
  try {
    const texts: string[] = [];
    for (const generation of output?.generations?.flat() ?? []) {
      texts.push(typeof generation?.text === "string" ? generation.text : "");
      const calls = (generation as { message?: { tool_calls?: unknown } } | undefined)?.message?.tool_calls;
      for (const call of Array.isArray(calls) ? (calls as Array<{ name?: unknown; args?: unknown }>) : []) {
        texts.push(typeof call?.name === "string" ? call.name : "", JSON.stringify(call?.args ?? {}) ?? "");
      }
    }
    const text = texts.length > 0 ? texts : [streamed.join("")];
    return text.reduce((total, t) => total + countTokens(t, { model }), 0);
  } catch {
    flags.add("count-failed");
    return 0;
  }
}

/** Index of the newest user turn; the context is what comes before it (everything but the last message when no user spoke). */
function contextEnd(messages: ChatMessage[]): number {
  for (let i = messages.length - 1; i >= 0; i--) if (messages[i]!.role === "user") return i;
  return Math.max(0, messages.length - 1);
}
