import type { Encoder } from "../encoder/index.js";
import type { ModelInfo } from "../models/index.js";
import type { ChatMessage } from "./chat-types.js";
import type { ToolCount } from "./count-tools.js";
import type { MessageCount } from "./message-count.js";
import { countMessage, FRAMING } from "./openai-chat-rules.js";
import { countPlain } from "./plain-format.js";

/** The slow path for lists that throw when read: each element and each message alone, in a try. */
export function countGuarded(list: readonly ChatMessage[], info: ModelInfo, encoder: Encoder, tools: ToolCount): MessageCount {
  // The plain rule reads every element and message in a try of its own already.
  if (info.chatFormat === "plain") return countPlain(list, encoder, tools);
  let length = 0;
  try {
    length = Array.isArray(list) && Number.isSafeInteger(list.length) ? list.length : 0;
  } catch {}
  const framing = FRAMING[info.chatFormat];
  const miniImages = info.model.startsWith("gpt-4o-mini");
  const perMessage: number[] = [];
  for (let i = 0; i < length; i++) {
    try {
      perMessage.push(countMessage(list[i]!, encoder, framing, miniImages).tokens);
    } catch {
      perMessage.push(framing.perMessage);
    }
  }
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
