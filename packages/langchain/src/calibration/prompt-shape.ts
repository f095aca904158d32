import type { BaseMessage } from "@langchain/core/messages";
import type { ChatMessage } from "@tokenledger/core";
import { countPromptTotal } from "@tokenledger/core/internal";
import { toChatMessage } from "../counters/index.js";
import { toToolDefinitions } from "../shared/index.js";
import type { PromptShape } from "./kind-fit.js";
import { emptyKinds, kindTokens, messageText, TEXT_KINDS } from "./text-kinds.js";

/**
 * A prompt's shape for the fit: our count of its message text by kind of text, the rest of our
 * count (`framing`), its messages and tools. `total` is our count of the whole prompt when known
 * (the ledger's `estimatedInputTokens`); else it is counted here. Never throws: a prompt that
 * cannot be read is all `unsplit`.
 *
 * @example
 * ```ts
 * shapeOfPrompt("claude-sonnet-4-5", [new HumanMessage("你好, world")]);
 * // { kinds: { cjk: 2, latin: 2, ... }, framing: 0, messages: 1, tools: 0, total: 4, unsplit: 0 }
 * ```
 */
export function shapeOfPrompt(model: string, messages: readonly BaseMessage[], rawTools?: unknown, total?: number): PromptShape {
  try {
    const chat: ChatMessage[] = messages.map((m) => toChatMessage(m));
    const tools = toToolDefinitions(rawTools);
    const whole = total ?? countPromptTotal(chat, { model, tools }).total;
    const kinds = emptyKinds();
    for (const message of chat) {
      const split = kindTokens(messageText(message), model);
      for (const kind of TEXT_KINDS) kinds[kind] += split[kind];
    }
    let text = 0;
    for (const kind of TEXT_KINDS) text += kinds[kind];
    // Our count of the texts alone may exceed the prompt's (the plain rule counts joined texts).
    if (text > whole && text > 0) for (const kind of TEXT_KINDS) kinds[kind] *= whole / text;
    return { kinds, unsplit: 0, framing: Math.max(0, whole - text), messages: chat.length, tools: tools.length, total: whole };
  } catch {
    return shapeOfTotal(total ?? 0);
  }
}

/** A prompt known only by our count of it. */
export function shapeOfTotal(total: number): PromptShape {
  return { kinds: emptyKinds(), unsplit: total, framing: 0, messages: 0, tools: 0, total };
}

/** The kind of text with the most tokens in a prompt (`unsplit` when its kinds are unknown). */
export function dominantKind(shape: PromptShape): (typeof TEXT_KINDS)[number] | "unsplit" {
  let best: (typeof TEXT_KINDS)[number] | "unsplit" = "unsplit";
  let most = shape.unsplit;
  for (const kind of TEXT_KINDS) {
    if (shape.kinds[kind] > most) {
      most = shape.kinds[kind];
      best = kind;
    }
  }
  return best;
}
