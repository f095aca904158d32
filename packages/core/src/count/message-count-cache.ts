import type { Encoder, EncodingName } from "../encoder/index.js";
import { ENCODING_NAMES } from "../encoder/index.js";
import type { ChatFormat, ModelInfo } from "../models/index.js";
import type { ChatMessage } from "./chat-types.js";
import type { ToolCount } from "./count-tools.js";
import type { MessageCount } from "./message-count.js";
import { countMessage, FRAMING, type Framing, type MessageTokens } from "./openai-chat-rules.js";

// The speed machinery of `countMessages` under OpenAI's rules: per-message and per-list caches,
// and the warm-up that has V8 compile the re-count while a long list is first counted. The
// rules themselves are in `openai-chat-rules.ts`; nothing here changes a count.

/**
 * A class, not an object literal: a literal's allocation site lets the garbage collector decide
 * later to allocate its objects elsewhere, which throws away all compiled code that inlined the
 * allocation, the re-count loop with it.
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

export function countFormatted(list: ChatMessage[], info: ModelInfo, encoder: Encoder, tools: ToolCount): MessageCount {
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
    // cache, so that the engine compiles the re-count while the second half is counted, and the
    // caller's next count runs compiled from its start.
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
 * stays in optimized code instead of deoptimizing on its first cache hit.
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

/** Forgets the last count of `list` (it threw while being read). */
export function forgetList(list: readonly ChatMessage[]): void {
  listCache.delete(list);
}
