import type { BaseMessage, MessageType } from "@langchain/core/messages";
import { messageType as typeOf } from "../counters/index.js";
import { describeValue } from "./prompt-budget.js";
import { TrimError } from "./trim-error.js";

type MessageClass = new (...args: never[]) => BaseMessage;
/** A message type name ("human", "ai", ...) or class (HumanMessage, ...), as `trimMessages` takes them. */
export type MessageTypeOrClass = MessageType | MessageClass;

/**
 * The ids of an AI message's tool calls as ChatOpenAI sends them (`tool_calls`, else
 * `additional_kwargs.tool_calls`), or undefined when it makes none. A missing id is undefined.
 */
function callIdsOf(message: BaseMessage): unknown[] | undefined {
  const m = message as BaseMessage & { tool_calls?: unknown };
  if (Array.isArray(m.tool_calls) && m.tool_calls.length > 0) return m.tool_calls.map((c) => (c as { id?: unknown } | null)?.id);
  const raw = (m.additional_kwargs as { tool_calls?: unknown } | undefined)?.tool_calls;
  return Array.isArray(raw) && raw.length > 0 ? raw.map((c) => (c as { id?: unknown } | null)?.id) : undefined;
}

/** Whether the message is an AI message that makes tool calls. */
export function hasToolCalls(message: BaseMessage): boolean {
  try {
    return typeOf(message) === "ai" && callIdsOf(message) !== undefined;
  } catch {
    return false;
  }
}

/**
 * The history with only what the Chat Completions API accepts: every ToolMessage right after
 * the AI message that made its call (orphans dropped), and every AI message with tool calls
 * followed by exactly one answer per call, else dropped with its answers (OpenAI rejects a call
 * left unanswered). Throws TrimError on an element that is not a readable message.
 */
export function apiValid(messages: readonly BaseMessage[]): { list: BaseMessage[]; units: Array<[number, number]> } {
  const kept: BaseMessage[] = [];
  const units: Array<[number, number]> = [];
  const length = messages.length;
  for (let i = 0; i < length; ) {
    const message = messages[i]!;
    const type = typeOf(message);
    if (!type) throw new TrimError(`trimHistory: messages[${i}] is not a LangChain message (${describeValue(message)})`);
    let ids: unknown[] | undefined;
    try {
      ids = type === "ai" ? callIdsOf(message) : undefined;
    } catch (cause) {
      throw new TrimError(`trimHistory: messages[${i}] cannot be read (its tool_calls threw)`, { cause });
    }
    if (type === "tool" || !ids) {
      if (type !== "tool") units.push([kept.length, kept.push(message)]);
      i++;
      continue;
    }
    const open = new Set(ids);
    const wellFormed = open.size === ids.length && ids.every((id) => typeof id === "string" && id !== "");
    const answers: BaseMessage[] = [];
    let end = i + 1;
    for (; end < length && typeOf(messages[end]) === "tool"; end++) {
      if (open.delete(toolCallId(messages[end]!))) answers.push(messages[end]!);
    }
    if (wellFormed && open.size === 0) units.push([kept.length, kept.push(message, ...answers)]);
    i = end;
  }
  return { list: kept, units };
}

function toolCallId(message: BaseMessage): unknown {
  try {
    return (message as { tool_call_id?: unknown }).tool_call_id;
  } catch {
    return undefined;
  }
}

/** [start, end) index ranges of an API-valid list that are kept or dropped as one: an AI message with tool calls and its answers. */
export function unitsOf(list: readonly BaseMessage[]): Array<[number, number]> {
  const units: Array<[number, number]> = [];
  for (let i = 0; i < list.length; ) {
    let end = i + 1;
    if (hasToolCalls(list[i]!)) while (end < list.length && typeOf(list[end]) === "tool") end++;
    units.push([i, end]);
    i = end;
  }
  return units;
}

/** The list from its first unit that starts with a wanted type (a ToolMessage never starts one), or []. */
export function startingOn(list: BaseMessage[], wanted: Set<string>): BaseMessage[] {
  const unit = unitsOf(list).find(([start]) => wanted.has(typeOf(list[start])));
  return unit ? list.slice(unit[0]) : [];
}

/** Drops whole units from the end until the last message has a wanted type, so no tool-call pair is cut. */
export function endingOn(list: BaseMessage[], wanted: Set<string>, units = unitsOf(list)): BaseMessage[] {
  while (units.length > 0 && !wanted.has(typeOf(list[units.at(-1)![1] - 1]))) units.pop();
  return list.slice(0, units.at(-1)?.[1] ?? 0);
}

/** The types LangChain's messages have (`getType()`): the names `startOn` and `endOn` take. */
const MESSAGE_TYPES = new Set(["human", "ai", "system", "tool", "generic", "function", "remove"]);
/** Role names that are not message types, and the type meant. */
const ROLE_NAMES: Record<string, string> = { user: "human", assistant: "ai", developer: "system" };

/**
 * The type names of a `startOn`/`endOn` option; anything that is not a message type name
 * (`MESSAGE_TYPES`) or a message class is a TrimError, so that a typo never silently matches nothing.
 */
export function typesOf(spec: MessageTypeOrClass | MessageTypeOrClass[], option: string): Set<string> {
  const list = Array.isArray(spec) ? spec : [spec];
  return new Set(
    list.map((t) => {
      if (typeof t === "string") {
        if (MESSAGE_TYPES.has(t)) return t;
        const meant = Object.hasOwn(ROLE_NAMES, t) ? ` (a role name; the message type is "${ROLE_NAMES[t]}")` : "";
        throw new TrimError(
          `trimHistory: unknown ${option} type ${describeValue(t)}${meant}; use ${[...MESSAGE_TYPES].map((n) => `"${n}"`).join(", ")} or a message class`,
        );
      }
      const type = typeof t === "function" ? typeOfClass(t) : "";
      if (!type) throw new TrimError(`trimHistory: ${option} takes message type names or classes, got ${describeValue(t)}`);
      return type;
    }),
  );
}

function typeOfClass(type: MessageClass): string {
  try {
    return typeOf(new (type as new (fields: object) => BaseMessage)({ content: "" }));
  } catch {
    return "";
  }
}
