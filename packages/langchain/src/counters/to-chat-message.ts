import type { BaseMessage } from "@langchain/core/messages";
import type { ChatMessage, ContentPart, ToolCall } from "@tokenledger/core";
import { messageType } from "./message-type.js";

/** Why a message's count is less than exact; recorded on ledger records, never thrown. */
export type MessageFlag = "null-content" | "unknown-content-block" | "malformed-tool-call" | "unknown-message" | "unreadable-field";

const ROLES: Record<string, string> = {
  human: "user",
  user: "user",
  ai: "assistant",
  assistant: "assistant",
  system: "system",
  developer: "developer",
  tool: "tool",
  function: "function",
};

/**
 * A LangChain message as the OpenAI Chat Completions message that `ChatOpenAI` sends for
 * it: role, text and image parts, tool calls with JSON arguments, tool_call_id, name.
 * Never throws; what it had to guess is added to `flags`.
 *
 * @example
 * ```ts
 * toChatMessage(new AIMessage({ content: "", tool_calls: [{ name: "f", args: { x: 1 }, id: "c1" }] }));
 * // { role: "assistant", content: "", tool_calls: [{ id: "c1", type: "function", function: { name: "f", arguments: '{"x":1}' } }] }
 * ```
 */
export function toChatMessage(message: BaseMessage, flags?: Set<MessageFlag>): ChatMessage {
  const m = (message ?? {}) as Partial<BaseMessage> & { role?: string; type?: string; tool_call_id?: string; tool_calls?: unknown };
  const read = (key: string): unknown => {
    try {
      return (m as Record<string, unknown>)[key];
    } catch {
      flags?.add("unreadable-field");
      return undefined;
    }
  };
  const type = messageType(m);
  const ownRole = read("role");
  const role = ROLES[type] ?? (typeof ownRole === "string" ? ownRole : undefined);
  if (!role) flags?.add("unknown-message");
  const chat: ChatMessage = { role: role ?? "user", content: toContent(read("content"), flags) };
  const name = read("name");
  if (typeof name === "string" && name) chat.name = name;
  const toolCallId = read("tool_call_id");
  if (typeof toolCallId === "string") chat.tool_call_id = toolCallId;
  if (role === "assistant") {
    const calls = toolCallsOf(read("tool_calls"), () => read("additional_kwargs"), flags);
    if (calls) chat.tool_calls = calls;
  }
  return chat;
}

/** `tool_calls`, else (as ChatOpenAI sends them when that is empty) `additional_kwargs.tool_calls`. */
function toolCallsOf(calls: unknown, kwargs: () => unknown, flags?: Set<MessageFlag>): ToolCall[] | undefined {
  try {
    if (Array.isArray(calls) && calls.length > 0) return toToolCalls(calls, flags);
    const raw = (kwargs() as { tool_calls?: unknown } | undefined)?.tool_calls;
    return Array.isArray(raw) && raw.length > 0 ? toToolCalls(raw.map(fromOpenAICall), flags) : undefined;
  } catch {
    flags?.add("unreadable-field");
    return undefined;
  }
}

/** An OpenAI-shaped call (`{ id, function: { name, arguments } }`) as a LangChain one, for toToolCalls. */
function fromOpenAICall(call: unknown): unknown {
  const c = call as { id?: unknown; function?: { name?: unknown; arguments?: unknown } } | null;
  return { id: c?.id, name: c?.function?.name, args: c?.function?.arguments };
}

function toContent(content: unknown, flags?: Set<MessageFlag>): ChatMessage["content"] {
  try {
    return readContent(content, flags);
  } catch {
    flags?.add("unreadable-field");
    return "";
  }
}

function readContent(content: unknown, flags?: Set<MessageFlag>): ChatMessage["content"] {
  if (typeof content === "string") return content;
  if (content === null || content === undefined) {
    flags?.add("null-content");
    return null;
  }
  if (!Array.isArray(content)) {
    flags?.add("unknown-content-block");
    return String(content);
  }
  const parts: ContentPart[] = [];
  for (const block of content as Array<Record<string, unknown> | string>) {
    if (typeof block === "string") parts.push({ type: "text", text: block });
    else if (block?.type === "text" && typeof block.text === "string") parts.push({ type: "text", text: block.text });
    else if (block?.type === "image_url") {
      const image = typeof block.image_url === "string" ? { url: block.image_url } : (block.image_url as { url: string });
      parts.push({ type: "image_url", image_url: image });
    } else if (block?.type === "image") {
      const url = String(block.url ?? (block.data ? `data:${block.mimeType ?? "image/png"};base64,${block.data}` : ""));
      parts.push({ type: "image_url", image_url: { url } });
    } else {
      flags?.add("unknown-content-block");
      parts.push(block as ContentPart);
    }
  }
  return parts;
}

function toToolCalls(calls: unknown[], flags?: Set<MessageFlag>): ToolCall[] {
  try {
    return readToolCalls(calls, flags);
  } catch {
    flags?.add("unreadable-field");
    return [];
  }
}

function readToolCalls(calls: unknown[], flags?: Set<MessageFlag>): ToolCall[] {
  return calls.map((call, i) => {
    const c = (call ?? {}) as { id?: unknown; name?: unknown; args?: unknown };
    if (typeof c.name !== "string" || (c.args !== undefined && (typeof c.args !== "object" || c.args === null)))
      flags?.add("malformed-tool-call");
    let args = "{}";
    try {
      args = typeof c.args === "string" ? c.args : (JSON.stringify(c.args ?? {}) ?? "{}");
    } catch {
      flags?.add("malformed-tool-call");
    }
    return {
      id: typeof c.id === "string" ? c.id : `call_${i}`,
      type: "function",
      function: { name: String(c.name ?? ""), arguments: args },
    };
  });
}
