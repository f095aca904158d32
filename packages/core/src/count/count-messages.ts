import type { Encoder } from "../encoder/create-encoder.js";
import { ENCODING_NAMES, type EncodingName } from "../encoder/encodings.js";
import { getEncoder } from "../encoder/get-encoder.js";
import { DEFAULT_MODEL } from "../models/default-model.js";
import { type ChatFormat, type ModelInfo, resolveModelForCount } from "../models/resolve-model.js";
import type { ChatMessage, ToolDefinition } from "./chat-types.js";
import { countTemplated, loadedEncoder } from "./count-templated.js";
import { asText, countToolDefinitions, type ToolCount } from "./count-tools.js";
import { DEFAULT_IMAGE_SIZE, IMAGE_COST, IMAGE_COST_4O_MINI, imageTokens } from "./image-tokens.js";

export interface MessageCount {
  /** Everything the prompt costs: messages, tools and reply priming. */
  total: number;
  /** Each message's tokens, overhead included, in input order. */
  perMessage: number[];
  tools: number;
  replyPriming: number;
  encoding: EncodingName;
  chatFormat: ChatFormat;
  /** true when some part is an estimate: images of unknown size, unknown part types, tool calls, nested tool schemas, non-OpenAI formats. */
  approximate: boolean;
}

export interface CountMessagesOptions {
  /** Default gpt-4o. */
  model?: string;
  tools?: ToolDefinition[];
}

interface Framing {
  perMessage: number;
  perName: number;
  replyPriming: number;
}

const FRAMING: Record<ChatFormat, Framing> = {
  openai: { perMessage: 3, perName: 1, replyPriming: 3 },
  "openai-0301": { perMessage: 4, perName: -1, replyPriming: 3 },
  harmony: { perMessage: 3, perName: 1, replyPriming: 3 },
  template: { perMessage: 0, perName: 0, replyPriming: 0 },
  plain: { perMessage: 0, perName: 0, replyPriming: 0 },
};

interface MessageTokens {
  tokens: number;
  approximate: boolean;
}

/**
 * A class, not an object literal: a literal's allocation site lets the garbage collector decide
 * later to allocate its objects elsewhere, which throws away all compiled code that inlined the
 * allocation, the re-count loop with it (second count of 10,000 messages + 1: 0.8 -> 0.6 ms).
 */
class CacheEntry implements MessageTokens {
  constructor(
    readonly tokens: number,
    readonly approximate: boolean,
    readonly key: number,
    readonly role: unknown,
    readonly content: unknown,
    readonly name: unknown,
    readonly toolCallId: unknown,
  ) {}
}

/**
 * Per-message counts, keyed by the message object itself, so that re-counting a growing
 * history costs only its new messages. Held weakly: an entry lives no longer than its
 * message. An entry is used only while the message's fields are the very same values
 * and the encoding and format match; array contents and tool calls are not cached.
 */
const messageCache = new WeakMap<object, CacheEntry>();
/**
 * The last count of each message array: a history that grows in place (or is counted again)
 * is checked by position and identity, which costs a fraction of a WeakMap lookup per message.
 * Kept only for arrays long enough for it to matter; it ends with the array.
 */
const listCache = new WeakMap<readonly ChatMessage[], Snapshot>();
interface Snapshot {
  key: number;
  items: ChatMessage[];
  entries: Array<CacheEntry | undefined>;
  /** Whether any message of the last count was approximate. */
  approximate: boolean;
}
const LIST_CACHE_MIN = 64;
const CHAT_FORMATS: ChatFormat[] = ["openai", "openai-0301", "harmony", "template", "plain"];

/** A number, not a string, so that checking a cache entry compares no characters. */
function cacheKeyOf(encoding: EncodingName, format: ChatFormat, miniImages: boolean): number {
  return (ENCODING_NAMES.indexOf(encoding) * CHAT_FORMATS.length + CHAT_FORMATS.indexOf(format)) * 2 + (miniImages ? 1 : 0);
}

/**
 * Counts a Chat Completions prompt as OpenAI does (cookbook, "How to count tokens with
 * tiktoken"): 3 tokens per message, +1 per `name`, 3 to prime the reply (gpt-3.5-turbo-0301:
 * 4 and -1), tools by the cookbook's tool rule. Models outside OpenAI's formats count their
 * contents joined with a newline. Never throws and never returns NaN, whatever it is given
 * (getters or Proxies that throw, values whose `toString`/`valueOf` throws): what cannot be
 * read counts as empty, a message whose fields cannot be read counts as its framing alone
 * (3 tokens), an image whose `width`/`height` is not a finite positive number counts as one of
 * unknown size (1024x1024), and the result is flagged `approximate`.
 *
 * @example
 * ```ts
 * const { total, perMessage } = countMessages(
 *   [{ role: "system", content: "You are terse." }, { role: "user", content: "Hi" }],
 *   { model: "gpt-4o" },
 * );
 * ```
 */
export function countMessages(messages: ChatMessage[], opts?: CountMessagesOptions): MessageCount {
  const { model, tools: toolList, unreadable } = readOptions(opts);
  const info = resolveModelForCount(model);
  // An open-weight family whose data is not loaded counts with the fallback encoding (flagged).
  const encoder = loadedEncoder(info.encoding);
  const tools = countToolDefinitions(toolList, encoder);
  if (unreadable) tools.approximate = true;
  let list: ChatMessage[] = [];
  try {
    list = Array.isArray(messages) ? messages : [];
    if (info.chatFormat === "template") return countTemplated(list, info, toolList as ToolDefinition[], countPlain);
    if (info.chatFormat === "plain") return countPlain(list, encoder, tools);
    return countFormatted(list, info, encoder, tools);
  } catch {
    // Something in the list threw (a getter, a Proxy trap): count it again one guarded message at a time.
    listCache.delete(list);
    return countGuarded(list, info, encoder, tools);
  }
}

/** The model and tools of the options; options that throw when read count as the defaults, flagged. */
function readOptions(opts: CountMessagesOptions | undefined): { model: string; tools: unknown; unreadable: boolean } {
  try {
    const model = opts?.model ?? DEFAULT_MODEL;
    return { model: typeof model === "string" ? model : DEFAULT_MODEL, tools: opts?.tools ?? [], unreadable: typeof model !== "string" };
  } catch {
    return { model: DEFAULT_MODEL, tools: [], unreadable: true };
  }
}

/** The slow path for lists that throw when read: each element and each message alone, in a try. */
function countGuarded(list: readonly ChatMessage[], info: ModelInfo, encoder: Encoder, tools: ToolCount): MessageCount {
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

function countFormatted(list: ChatMessage[], info: ModelInfo, encoder: Encoder, tools: ToolCount): MessageCount {
  const framing = FRAMING[info.chatFormat];
  const miniImages = info.model.startsWith("gpt-4o-mini");
  const cacheKey = cacheKeyOf(info.encoding, info.chatFormat, miniImages);
  let approximate = tools.approximate || info.chatFormat === "harmony";
  const perMessage = new Array<number>(list.length);
  const previous = listCache.get(list);
  // The snapshot is updated in place: a re-count allocates nothing but its result. A list seen
  // for the first time gets a fresh snapshot, checked by the same code a re-count runs.
  const snapshot =
    previous?.key === cacheKey
      ? previous
      : {
          key: cacheKey,
          items: new Array<ChatMessage>(list.length),
          entries: new Array<CacheEntry | undefined>(list.length),
          approximate: false,
        };
  const long = list.length >= LIST_CACHE_MIN;
  if (long && previous === undefined) {
    // A first count of a long list counts its first half, then re-counts that half from the
    // cache (well under 1% of the count), so that the engine compiles the re-count while the
    // second half is counted, and the caller's next count runs compiled from its start.
    const half = list.length >> 1;
    for (let pass = 0; pass < 2; pass++) countInto(perMessage, list, half, snapshot, encoder, framing, miniImages);
  }
  const messageTokens = countInto(perMessage, list, list.length, snapshot, encoder, framing, miniImages);
  approximate ||= snapshot.approximate;
  if (long) listCache.set(list, snapshot);
  const replyPriming = framing.replyPriming;
  const total = messageTokens + tools.tokens + replyPriming;
  return { total, perMessage, tools: tools.tokens, replyPriming, encoding: info.encoding, chatFormat: info.chatFormat, approximate };
}

/**
 * Fills `perMessage[0..end)` from the snapshot's entries where a message is the same object
 * with the same fields, else counts it; returns the sum. A function of its own, so that it
 * stays compiled whatever deoptimizes its caller.
 */
function countInto(
  perMessage: number[],
  list: readonly ChatMessage[],
  end: number,
  snapshot: Snapshot,
  encoder: Encoder,
  framing: Framing,
  miniImages: boolean,
): number {
  const { items, entries, key } = snapshot;
  // Sized first, so that no read or write in the loop is out of bounds (which deoptimizes it).
  items.length = end;
  entries.length = end;
  snapshot.approximate = false;
  let messageTokens = 0;
  for (let i = 0; i < end; i++) {
    const message = list[i]!;
    const known = items[i] === message ? entries[i] : undefined;
    let counted: CacheEntry;
    if (known !== undefined && isCurrent(known, message, key)) {
      counted = known;
    } else {
      counted = countMessageCached(message, encoder, framing, miniImages, key);
      items[i] = message;
      entries[i] = counted.key >= 0 ? counted : undefined;
    }
    if (counted.approximate) snapshot.approximate = true;
    perMessage[i] = counted.tokens;
    messageTokens += counted.tokens;
  }
  // Nothing may follow the loop: a first count runs it in code compiled mid-loop, which has no
  // type feedback for what comes after, and deoptimizing there throws away the re-count's code.
  return messageTokens;
}

/**
 * The plain rule: contents joined with a newline and counted as one text. `perMessage`
 * holds each content with its separator, which can differ from the joined count by the
 * few tokens that merge across a boundary.
 */
function countPlain(list: readonly ChatMessage[], encoder: Encoder, tools: ToolCount): MessageCount {
  return plainCount(
    list.map((m) => contentText(m)),
    encoder,
    tools,
  );
}

function plainCount(texts: string[], encoder: Encoder, tools: ToolCount): MessageCount {
  const perMessage = texts.map((text, i) => encoder.count(i < texts.length - 1 ? `${text}\n` : text));
  const total = encoder.count(texts.join("\n")) + tools.tokens;
  return { total, perMessage, tools: tools.tokens, replyPriming: 0, encoding: encoder.name, chatFormat: "plain", approximate: true };
}

/** Always an entry of one shape, so the counting loop stays monomorphic; `key` -1 marks one that is not cached. */
function countMessageCached(message: ChatMessage, encoder: Encoder, framing: Framing, miniImages: boolean, key: number): CacheEntry {
  if (!message || typeof message !== "object") return entryOf({ tokens: framing.perMessage, approximate: true }, -1, undefined);
  const cacheable = (typeof message.content === "string" || message.content == null) && message.tool_calls === undefined;
  if (!cacheable) return entryOf(countMessage(message, encoder, framing, miniImages), -1, undefined);
  let entry = messageCache.get(message);
  if (!isCurrent(entry, message, key)) {
    entry = entryOf(countMessage(message, encoder, framing, miniImages), key, message);
    messageCache.set(message, entry);
    isCurrent(entry, message, key);
  }
  return entry;
}

function entryOf(counted: MessageTokens, key: number, message: ChatMessage | undefined): CacheEntry {
  return new CacheEntry(counted.tokens, counted.approximate, key, message?.role, message?.content, message?.name, message?.tool_call_id);
}

/**
 * A first count also calls this on the entry it just stored: that runs every check a warm
 * re-count runs, on the user's own message shapes, so the second count of a long history
 * stays in optimized code instead of deoptimizing on its first cache hit (3 ms -> under 1 ms
 * for 10,000 messages).
 */
function isCurrent(entry: CacheEntry | undefined, message: ChatMessage, key: number): entry is CacheEntry {
  return (
    entry !== undefined &&
    entry.key === key &&
    entry.role === message.role &&
    entry.content === message.content &&
    entry.name === message.name &&
    entry.toolCallId === message.tool_call_id
  );
}

function countMessage(message: ChatMessage, encoder: Encoder, framing: Framing, miniImages: boolean): MessageTokens {
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

export function contentText(message: ChatMessage | null | undefined): string {
  const content = message?.content;
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return asText(content);
  return content.map((part) => (typeof part === "string" ? part : asText((part as { text?: unknown })?.text))).join("");
}

/** The encoder for a model name; a small convenience for callers that count many texts for one model. */
export function encoderForModel(model: string): Encoder {
  return getEncoder(resolveModelForCount(model).encoding);
}
