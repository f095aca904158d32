import type { Encoder } from "../encoder/index.js";
import type { ChatFormat } from "../models/index.js";
import type { ChatMessage } from "./chat-types.js";
import { asText } from "./count-tools.js";
import { DEFAULT_IMAGE_SIZE, IMAGE_COST, IMAGE_COST_4O_MINI, imageTokens } from "./image-tokens.js";

/**
 * OpenAI's chat framing (cookbook, "How to count tokens with tiktoken"): tokens each message
 * costs beyond its fields, each `name` adds, and the reply's priming costs.
 */
export interface Framing {
  perMessage: number;
  perName: number;
  replyPriming: number;
}

export const FRAMING: Record<ChatFormat, Framing> = {
  openai: { perMessage: 3, perName: 1, replyPriming: 3 },
  "openai-0301": { perMessage: 4, perName: -1, replyPriming: 3 },
  harmony: { perMessage: 3, perName: 1, replyPriming: 3 },
  template: { perMessage: 0, perName: 0, replyPriming: 0 },
  plain: { perMessage: 0, perName: 0, replyPriming: 0 },
};

export interface MessageTokens {
  tokens: number;
  approximate: boolean;
}

/** What one message costs under `framing`: its role, content, name, tool call id and tool calls, with the framing. */
export function countMessage(message: ChatMessage, encoder: Encoder, framing: Framing, miniImages: boolean): MessageTokens {
  let tokens = framing.perMessage + encoder.count(asText(message.role));
  let approximate = typeof message.role !== "string" || (message.name != null && typeof message.name !== "string");
  const content = countContent(message.content, encoder, miniImages);
  tokens += content.tokens;
  approximate ||= content.approximate;
  if (message.name !== undefined && message.name !== null) tokens += encoder.count(asText(message.name)) + framing.perName;
  if (message.tool_call_id !== undefined && message.tool_call_id !== null) {
    tokens += encoder.count(asText(message.tool_call_id));
    approximate = true;
  }
  if (message.tool_calls !== undefined && message.tool_calls !== null) {
    approximate = true;
    for (const call of Array.isArray(message.tool_calls) ? message.tool_calls : []) {
      const fn = (call as { function?: { name?: unknown; arguments?: unknown } } | null)?.function;
      tokens += encoder.count(asText(fn?.name)) + encoder.count(asText(fn?.arguments));
    }
  }
  return { tokens, approximate };
}

function countContent(content: ChatMessage["content"], encoder: Encoder, miniImages: boolean): MessageTokens {
  if (content === null || content === undefined) return { tokens: 0, approximate: false };
  if (typeof content === "string") return { tokens: encoder.count(content), approximate: false };
  if (!Array.isArray(content)) return { tokens: encoder.count(asText(content)), approximate: true };
  let tokens = 0;
  let approximate = false;
  const texts: string[] = [];
  for (const part of content as unknown[]) {
    const p = part as { type?: unknown; text?: unknown; image_url?: { detail?: string; width?: number; height?: number } };
    if (typeof part === "string") {
      texts.push(part);
    } else if (p?.type === "text") {
      texts.push(asText(p.text));
    } else if (p?.type === "image_url") {
      const image = p.image_url ?? {};
      const imageWidth = sizeOf(image.width);
      const imageHeight = sizeOf(image.height);
      const sized = imageWidth > 0 && imageHeight > 0;
      const exact = sized || image.detail === "low";
      approximate ||= !exact || image.detail === undefined || image.detail === "auto";
      const { width, height } = sized ? { width: imageWidth, height: imageHeight } : DEFAULT_IMAGE_SIZE;
      tokens += imageTokens(width, height, image.detail, miniImages ? IMAGE_COST_4O_MINI : IMAGE_COST);
    } else {
      approximate = true;
      if (typeof p?.text === "string") tokens += encoder.count(p.text);
    }
  }
  if (texts.length === 1) tokens += encoder.count(texts[0]!);
  else if (texts.length > 1) {
    // OpenAI does not publish whether text parts are tokenized apart or joined; either can be the
    // larger, so take the larger and say it is an estimate: a trim to this count fits under both.
    let apart = 0;
    for (const text of texts) apart += encoder.count(text);
    tokens += Math.max(apart, encoder.count(texts.join("")));
    approximate = true;
  }
  return { tokens, approximate };
}

/**
 * An image side in pixels: a finite positive number, or a string of one; anything else
 * (Infinity, 1e999 from JSON, NaN, objects, whose `valueOf` is never called) is 0: size unknown.
 */
function sizeOf(value: unknown): number {
  const n = typeof value === "number" ? value : typeof value === "string" ? Number(value) : 0;
  return Number.isFinite(n) && n > 0 ? n : 0;
}
