import type { ChatMessage, ContentPart, ToolCall } from "./chat-types.js";

// LangChain messages read structurally (core imports no LangChain): each as the OpenAI Chat
// Completions message `ChatOpenAI` sends for it. `@tokenledger/langchain`'s `toChatMessage` is this
// same function (through `@tokenledger/core/internal`), so `countMessages(langchainMessages)`
// counts what `createTokenCounter` counts.

/**
 * A LangChain message as core reads it, without importing LangChain: an instance
 * (`HumanMessage`, `AIMessage`, `SystemMessage`, `ToolMessage`, ...: `getType()` or `_getType()`,
 * `lc_kwargs`), its JSON (`{ lc: 1, type: "constructor", id: [..., "AIMessage"], kwargs }`), a
 * stored message (`{ type: "human", data: { content } }`) or a plain `{ type: "ai", content }`.
 */
export interface LangChainMessageLike {
  content?: unknown;
  getType?: () => string;
  _getType?: () => string;
  type?: string;
  lc_kwargs?: unknown;
  kwargs?: unknown;
  data?: unknown;
}

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

/** The message type of a serialised message's class name (`AIMessageChunk` -> `ai`). */
const CLASS_TYPES: Record<string, string> = {
  HumanMessage: "human",
  AIMessage: "ai",
  SystemMessage: "system",
  ToolMessage: "tool",
  FunctionMessage: "function",
  ChatMessage: "generic",
};

/**
 * `list` itself when it holds no LangChain-shaped message (so that the caches keep seeing the
 * caller's array), else a copy with each such message converted. Never throws: a message that
 * cannot be inspected is left as it is, for the guarded count.
 */
export function fromLangChainMessages(list: readonly unknown[]): ChatMessage[] {
  let length = 0;
  try {
    length = Number.isSafeInteger(list.length) ? list.length : 0;
  } catch {}
  let converted: unknown[] | undefined;
  for (let i = 0; i < length; i++) {
    let message: unknown;
    try {
      message = list[i];
    } catch {
      continue;
    }
    if (!isLangChainShaped(message)) continue;
    converted ??= list.slice();
    converted[i] = langChainToChatMessage(message);
  }
  return (converted ?? list) as ChatMessage[];
}

/**
 * Whether a value is a LangChain message rather than an OpenAI one: it has `getType()` or
 * `_getType()`, `lc_kwargs`, or, without a string `role`, LangChain's serialised shape or a
 * message `type`. OpenAI messages have none of these.
 */
export function isLangChainShaped(value: unknown): value is LangChainMessageLike {
  if (!value || typeof value !== "object") return false;
  try {
    const m = value as LangChainMessageLike & { role?: unknown; lc?: unknown; id?: unknown };
    if (typeof m.getType === "function" || typeof m._getType === "function" || ("lc_kwargs" in m && typeof m.lc_kwargs === "object"))
      return true;
    if (typeof m.role === "string") return false;
    if (m.lc === 1 && m.type === "constructor") return Array.isArray(m.id) && typeof m.kwargs === "object" && m.kwargs !== null;
    return typeof m.type === "string" && m.type in ROLES_AND_GENERIC && ("content" in m || (typeof m.data === "object" && m.data !== null));
  } catch {
    return false;
  }
}

const ROLES_AND_GENERIC: Record<string, true> = { ...Object.fromEntries(Object.keys(ROLES).map((k) => [k, true])), generic: true };

/** The fields and type of a LangChain-shaped message: an instance's own, or a serialised one's `kwargs` / `data`. */
function unwrap(m: LangChainMessageLike): { type: string; fields: Record<string, unknown> } {
  const read = m as Record<string, unknown>;
  if (read.lc === 1 && read.type === "constructor" && Array.isArray(read.id)) {
    const name = String(read.id[read.id.length - 1] ?? "").replace(/Chunk$/, "");
    return { type: CLASS_TYPES[name] ?? "", fields: read.kwargs as Record<string, unknown> };
  }
  const type = langChainMessageType(m);
  if (!("content" in m) && typeof read.data === "object" && read.data !== null)
    return { type, fields: read.data as Record<string, unknown> };
  return { type, fields: read };
}

/** Why a message's count is less than exact; recorded on ledger records, never thrown. */
export type MessageFlag = "null-content" | "unknown-content-block" | "malformed-tool-call" | "unknown-message" | "unreadable-field";

/**
 * A LangChain message's type (`human`, `ai`, `system`, `tool`, ...) from `getType()`, a
 * `type` field or the older `_getType()`; `""` when it has none or its getter throws.
 */
export function langChainMessageType(message: unknown): string {
  const m = (message ?? {}) as { type?: unknown; getType?: () => string; _getType?: () => string };
  try {
    if (typeof m.getType === "function") return String(m.getType());
    if (typeof m.type === "string") return m.type;
    if (typeof m._getType === "function") return String(m._getType());
  } catch {}
  return "";
}

/**
 * A LangChain message (an instance, its JSON or its stored form) as the OpenAI Chat Completions
 * message that `ChatOpenAI` sends for it: role, text and image parts, tool calls with JSON
 * arguments, tool_call_id, name. Never throws; what it had to guess is added to `flags`.
 */
export function langChainToChatMessage(message: unknown, flags?: Set<MessageFlag>): ChatMessage {
  let type = "";
  let fields: Record<string, unknown> = {};
  try {
    ({ type, fields } = unwrap((message ?? {}) as LangChainMessageLike));
  } catch {
    flags?.add("unreadable-field");
  }
  const read = (key: string): unknown => {
    try {
      return fields[key];
    } catch {
      flags?.add("unreadable-field");
      return undefined;
    }
  };
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
