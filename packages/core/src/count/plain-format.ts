import type { Encoder } from "../encoder/index.js";
import type { ChatMessage } from "./chat-types.js";
import { asText, type ToolCount } from "./count-tools.js";
import type { MessageCount } from "./message-count.js";

/**
 * The plain rule: contents joined with a newline and counted as one text. `perMessage`
 * holds each content with its separator, which can differ from the joined count by the
 * few tokens that merge across a boundary.
 */
export function countPlain(list: readonly ChatMessage[], encoder: Encoder, tools: ToolCount): MessageCount {
  return plainCount(
    list.map((m) => contentText(m)),
    encoder,
    tools,
  );
}

export function plainCount(texts: string[], encoder: Encoder, tools: ToolCount): MessageCount {
  const perMessage = texts.map((text, i) => encoder.count(i < texts.length - 1 ? `${text}\n` : text));
  const total = encoder.count(texts.join("\n")) + tools.tokens;
  return { total, perMessage, tools: tools.tokens, replyPriming: 0, encoding: encoder.name, chatFormat: "plain", approximate: true };
}

/** A message's content as one text: text parts joined; what cannot be read is empty. */
export function contentText(message: ChatMessage | null | undefined): string {
  const content = message?.content;
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return asText(content);
  return content.map((part) => (typeof part === "string" ? part : asText((part as { text?: unknown })?.text))).join("");
}
