import type { Encoder } from "../encoder/index.js";
import type { ChatMessage } from "./chat-types.js";
import { asText, type ToolCount } from "./count-tools.js";
import { DEFAULT_IMAGE_SIZE, IMAGE_COST, imageTokens } from "./image-tokens.js";
import type { MessageCount } from "./message-count.js";

/** Between two messages, counted with the message before it. */
const SEPARATOR = "\n";
/** How deep `tool_result` blocks nest in one another before the rest counts as empty, and unserialisable arguments before the rest is `null`. */
const MAX_DEPTH = 64;

/**
 * The plain rule, for models whose chat format is not public (Claude, Gemini, catalog models,
 * open-weight models whose data is not loaded); always `approximate`. Each message counts:
 * - its text: a string content, or the texts of its parts joined, with the newline that
 *   separates it from the next message (the last has none): a history of text messages counts
 *   as their contents joined with newlines, but for a token that would merge across a newline;
 * - each counted as a text of its own: its `name`; its `tool_call_id`; each tool call
 *   (`tool_calls[]` as `{ function: { name, arguments } }` or LangChain's `{ name, args }`,
 *   `function_call`, an Anthropic `tool_use` block) as the JSON `{"id":..,"name":..,"arguments":..}`
 *   with the arguments as sent (a `tool_use` block whose `id` is one of `tool_calls` counts once);
 *   an Anthropic `tool_result` block as its `tool_use_id` and its nested content, by these rules;
 *   a `thinking` block's text; any other part without a `text` as its JSON;
 * - images (`image_url` parts, `image` blocks) by OpenAI's tile rule: a 1024x1024 image unless
 *   the part gives a finite positive `width` and `height`, or `detail: "low"`.
 * Roles cost nothing; tools count by the cookbook's rule (`countToolDefinitions`). `perMessage`
 * plus `tools` is `total`. Never throws: what cannot be read counts as empty.
 */
export function countPlain(list: readonly ChatMessage[], encoder: Encoder, tools: ToolCount): MessageCount {
  const length = lengthOf(list);
  const perMessage = new Array<number>(length);
  for (let i = 0; i < length; i++) {
    const separator = i < length - 1 ? SEPARATOR : "";
    let message: unknown;
    try {
      message = list[i];
    } catch {
      message = undefined;
    }
    perMessage[i] = plainMessageTokens(message, encoder, separator);
  }
  return plainResult(perMessage, encoder, tools);
}

function plainResult(perMessage: number[], encoder: Encoder, tools: ToolCount): MessageCount {
  let total = tools.tokens;
  for (const n of perMessage) total += n;
  return { total, perMessage, tools: tools.tokens, replyPriming: 0, encoding: encoder.name, chatFormat: "plain", approximate: true };
}

/** A message's content as one text: text parts joined; what cannot be read is empty. */
export function contentText(message: ChatMessage | null | undefined): string {
  const content = message?.content;
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return asText(content);
  return content.map((part) => (typeof part === "string" ? part : asText((part as { text?: unknown })?.text))).join("");
}

/** What one message is sent as, gathered: the texts of its content and the tokens of everything else. */
interface Gathered {
  texts: string[];
  tokens: number;
  encoder: Encoder;
  /** Ids of the message's `tool_calls`: a `tool_use` block with one of them is the same call. */
  callIds: Set<string>;
  /** `tool_result` blocks already counted: one that contains itself counts once. */
  results: Set<object>;
}

/** One message by the plain rule. Never throws. */
export function plainMessageTokens(message: unknown, encoder: Encoder, separator: string): number {
  const gathered: Gathered = { texts: [], tokens: 0, encoder, callIds: new Set(), results: new Set() };
  if (message !== null && typeof message === "object") {
    const name = read(message, "name");
    if (name !== undefined && name !== null) gathered.tokens += encoder.count(asText(name));
    const toolCallId = read(message, "tool_call_id");
    if (toolCallId !== undefined && toolCallId !== null) gathered.tokens += encoder.count(asText(toolCallId));
    forEach(read(message, "tool_calls"), (call) => {
      const fn = read(call, "function");
      const id = read(call, "id");
      if (typeof id === "string") gathered.callIds.add(id);
      const named = fn !== null && typeof fn === "object";
      const args = named ? read(fn, "arguments") : (read(call, "args") ?? read(call, "arguments") ?? read(call, "input"));
      addCall(gathered, id, named ? read(fn, "name") : read(call, "name"), args);
    });
    const functionCall = read(message, "function_call");
    if (functionCall !== null && typeof functionCall === "object") {
      addCall(gathered, undefined, read(functionCall, "name"), read(functionCall, "arguments"));
    }
    gatherContent(read(message, "content"), gathered, 0);
  }
  return gathered.tokens + encoder.count(gathered.texts.join("") + separator);
}

function gatherContent(content: unknown, gathered: Gathered, depth: number): void {
  if (content === null || content === undefined) return;
  if (typeof content === "string") gathered.texts.push(content);
  else if (safeIsArray(content)) forEach(content, (part) => gatherPart(part, gathered, depth));
  else gathered.texts.push(asText(content));
}

function gatherPart(part: unknown, gathered: Gathered, depth: number): void {
  if (typeof part === "string") {
    gathered.texts.push(part);
    return;
  }
  if (part === null || typeof part !== "object") {
    gathered.texts.push(asText(part));
    return;
  }
  const type = read(part, "type");
  const text = read(part, "text");
  if (type === "text" || typeof text === "string") {
    gathered.texts.push(asText(text));
  } else if (type === "image_url") {
    const image = read(part, "image_url");
    gathered.tokens += imageOf(image !== null && typeof image === "object" ? image : {});
  } else if (type === "image") {
    gathered.tokens += imageOf(part);
  } else if (type === "tool_use") {
    const id = read(part, "id");
    if (typeof id === "string" && gathered.callIds.has(id)) return;
    addCall(gathered, id, read(part, "name"), read(part, "input"));
  } else if (type === "tool_result") {
    if (gathered.results.has(part)) return;
    gathered.results.add(part);
    const id = read(part, "tool_use_id");
    if (id !== undefined && id !== null) gathered.tokens += gathered.encoder.count(asText(id));
    if (depth < MAX_DEPTH) gatherContent(read(part, "content"), gathered, depth + 1);
  } else if (type === "thinking") {
    gathered.texts.push(asText(read(part, "thinking")));
  } else {
    gathered.tokens += gathered.encoder.count(jsonText(part));
  }
}

/** A tool call as the JSON text `{"id":..,"name":..,"arguments":..}`; string arguments go in as they are (they are JSON already). */
function addCall(gathered: Gathered, id: unknown, name: unknown, args: unknown): void {
  let text = "{";
  if (id !== undefined && id !== null) text += `"id":${JSON.stringify(asText(id))},`;
  text += `"name":${JSON.stringify(asText(name))},"arguments":${args === undefined || args === null ? "{}" : jsonText(args)}}`;
  gathered.tokens += gathered.encoder.count(text);
}

/** An image by OpenAI's tile rule; a side that is not a finite positive number makes it one of unknown size. */
function imageOf(image: object): number {
  const detail = read(image, "detail");
  const width = sizeOf(read(image, "width"));
  const height = sizeOf(read(image, "height"));
  const { width: w, height: h } = width > 0 && height > 0 ? { width, height } : DEFAULT_IMAGE_SIZE;
  return imageTokens(w, h, detail === "low" ? "low" : "high", IMAGE_COST);
}

function sizeOf(value: unknown): number {
  const n = typeof value === "number" ? value : typeof value === "string" ? Number(value) : 0;
  return Number.isFinite(n) && n > 0 ? n : 0;
}

/** A value as JSON text; strings as they are. What JSON.stringify refuses (cycles, BigInt, getters that throw) is written as far as it reads. */
function jsonText(value: unknown): string {
  if (typeof value === "string") return value;
  try {
    return JSON.stringify(value) ?? "";
  } catch {
    const out: string[] = [];
    writeJson(value, out, new Set(), 0);
    return out.join("");
  }
}

/** JSON without toJSON, every read guarded; a cycle or what lies deeper than MAX_DEPTH is `null`. */
function writeJson(value: unknown, out: string[], ancestors: Set<object>, depth: number): void {
  if (typeof value === "string") out.push(JSON.stringify(value));
  else if (typeof value === "number") out.push(Number.isFinite(value) ? String(value) : "null");
  else if (typeof value === "boolean") out.push(String(value));
  else if (typeof value === "bigint") out.push(value.toString());
  else if (value === null || typeof value !== "object" || ancestors.has(value) || depth >= MAX_DEPTH) out.push("null");
  else {
    ancestors.add(value);
    const isArray = safeIsArray(value);
    out.push(isArray ? "[" : "{");
    let first = true;
    for (const key of keysOf(value, isArray)) {
      const item = read(value, key);
      if (!isArray && (item === undefined || typeof item === "function" || typeof item === "symbol")) continue;
      if (!first) out.push(",");
      first = false;
      if (!isArray) out.push(`${JSON.stringify(key)}:`);
      writeJson(item, out, ancestors, depth + 1);
    }
    out.push(isArray ? "]" : "}");
    ancestors.delete(value);
  }
}

function keysOf(value: object, isArray: boolean): string[] {
  try {
    if (!isArray) return Object.keys(value);
    const length = lengthOf(value);
    return Array.from({ length }, (_, i) => String(i));
  } catch {
    return [];
  }
}

function safeIsArray(value: unknown): boolean {
  try {
    return Array.isArray(value);
  } catch {
    return false; // a revoked Proxy
  }
}

/** `value[key]`, or undefined when reading it throws. */
function read(value: unknown, key: string): unknown {
  try {
    return (value as Record<string, unknown> | null | undefined)?.[key];
  } catch {
    return undefined;
  }
}

/** The length of an array, 0 when it is not one or its length cannot be read. */
function lengthOf(list: unknown): number {
  try {
    if (!Array.isArray(list)) return 0;
    const { length } = list;
    return Number.isSafeInteger(length) && length > 0 ? length : 0;
  } catch {
    return 0;
  }
}

/** Calls `each` on every element of an array that can be read; stops where reading throws. */
function forEach(list: unknown, each: (item: unknown) => void): void {
  const length = lengthOf(list);
  for (let i = 0; i < length; i++) {
    let item: unknown;
    try {
      item = (list as unknown[])[i];
    } catch {
      continue;
    }
    each(item);
  }
}
