import { countMessages, getEncoder, inputCostUsd, resolveModel } from "@tokenledger/core";

export interface CountRequest {
  id: number;
  text: string;
  models: string[];
  maxTokensShown: number;
}

export interface ModelResult {
  model: string;
  encoding: string;
  count: number;
  characters: number;
  contextWindow?: number;
  costUsd?: number;
  tokens: Array<{ id: number; text: string }>;
  chat?: { perMessage: Array<{ role: string; tokens: number }>; tools: number; replyPriming: number; approximate: boolean };
}

function chatBody(text: string): { messages: unknown[]; tools: unknown[] } | undefined {
  if (!/^\s*[[{]/.test(text)) return undefined;
  try {
    const body = JSON.parse(text);
    const messages = Array.isArray(body) ? body : body?.messages;
    return Array.isArray(messages) ? { messages, tools: Array.isArray(body?.tools) ? body.tools : [] } : undefined;
  } catch {
    return undefined;
  }
}

/** Counting runs here, off the page's thread, so a 1 MB paste never freezes typing. */
function count({ text, models, maxTokensShown }: CountRequest): ModelResult[] {
  const chat = chatBody(text);
  return models.map((model) => {
    const info = resolveModel(model);
    const encoder = getEncoder(info.encoding);
    const ids = encoder.encode(text);
    const result: ModelResult = {
      model,
      encoding: info.encoding,
      count: ids.length,
      characters: [...text].length,
      contextWindow: info.contextWindow,
      tokens: ids.slice(0, maxTokensShown).map((id) => ({ id, text: encoder.decode([id]) })),
    };
    if (chat) {
      const counted = countMessages(chat.messages as never, { model, tools: chat.tools as never });
      result.count = counted.total;
      result.chat = {
        perMessage: counted.perMessage.map((tokens, i) => ({
          role: String((chat.messages[i] as { role?: unknown })?.role ?? "?"),
          tokens,
        })),
        tools: counted.tools,
        replyPriming: counted.replyPriming,
        approximate: counted.approximate,
      };
    }
    result.costUsd = inputCostUsd(model, result.count);
    return result;
  });
}

export type CountReply = { id: number; results: ModelResult[] } | { id: number; error: string };

self.onmessage = (event: MessageEvent<CountRequest>) => {
  let reply: CountReply;
  try {
    reply = { id: event.data.id, results: count(event.data) };
  } catch (error) {
    reply = { id: event.data.id, error: String((error as Error)?.message ?? error).split("\n")[0]! };
  }
  self.postMessage(reply);
};
