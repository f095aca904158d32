import type { Encoder } from "../encoder/index.js";
import type { ModelInfo } from "../models/index.js";
import type { ChatMessage } from "./chat-types.js";
import type { ToolCount } from "./count-tools.js";
import type { MessageCount } from "./message-count.js";
import { countMessage, FRAMING } from "./openai-chat-rules.js";
import { contentText, plainCount } from "./plain-format.js";

/** The slow path for lists that throw when read: each element and each message alone, in a try. */
export function countGuarded(list: readonly ChatMessage[], info: ModelInfo, encoder: Encoder, tools: ToolCount): MessageCount {
  let length = 0;
  try {
    length = Array.isArray(list) && Number.isSafeInteger(list.length) ? list.length : 0;
  } catch {}
  const framing = FRAMING[info.chatFormat];
  const miniImages = info.model.startsWith("gpt-4o-mini");
  const perMessage: number[] = [];
  const texts: string[] = [];
  for (let i = 0; i < length; i++) {
    try {
      const message = list[i]!;
      if (info.chatFormat === "plain") texts.push(contentText(message));
      else perMessage.push(countMessage(message, encoder, framing, miniImages).tokens);
    } catch {
      if (info.chatFormat === "plain") texts.push("");
      else perMessage.push(framing.perMessage);
    }
  }
  if (info.chatFormat === "plain") return plainCount(texts, encoder, tools);
  const messageTokens = perMessage.reduce((a, b) => a + b, 0);
  const total = messageTokens + tools.tokens + framing.replyPriming;
  return {
    total,
    perMessage,
    tools: tools.tokens,
    replyPriming: framing.replyPriming,
    encoding: info.encoding,
    chatFormat: info.chatFormat,
    approximate: true,
  };
}
