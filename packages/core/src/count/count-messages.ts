import { loadedEncoder } from "../loader/index.js";
import { DEFAULT_MODEL, resolveModelForCount } from "../models/index.js";
import type { ChatMessage, ToolDefinition } from "./chat-types.js";
import { countGuarded } from "./count-guarded.js";
import { countTemplated } from "./count-templated.js";
import { countToolDefinitions } from "./count-tools.js";
import { fromLangChainMessages, type LangChainMessageLike } from "./langchain-messages.js";
import type { CountMessagesOptions, MessageCount } from "./message-count.js";
import { countFormatted, forgetList } from "./message-count-cache.js";
import { countPlain } from "./plain-format.js";

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
 * LangChain messages (`HumanMessage`, `AIMessage`, `ToolMessage`, ..., their JSON or stored
 * form), recognised by their shape, count as the OpenAI messages `ChatOpenAI` sends for them
 * (`human` as `user`, `ai` as `assistant` with its `tool_calls`, ...), as `createTokenCounter`
 * of `@tokenledger/langchain` counts them.
 *
 * @example
 * ```ts
 * const { total, perMessage } = countMessages(
 *   [{ role: "system", content: "You are terse." }, { role: "user", content: "Hi" }],
 *   { model: "gpt-4o" },
 * );
 * ```
 */
export function countMessages(messages: readonly (ChatMessage | LangChainMessageLike)[], opts?: CountMessagesOptions): MessageCount {
  const { model, tools: toolList, unreadable } = readOptions(opts);
  const info = resolveModelForCount(model);
  // An open-weight family whose data is not loaded counts with the fallback encoding (flagged).
  const encoder = loadedEncoder(info.encoding);
  const tools = countToolDefinitions(toolList, encoder);
  if (unreadable) tools.approximate = true;
  let list: ChatMessage[] = [];
  try {
    list = Array.isArray(messages) ? (messages as ChatMessage[]) : [];
    list = fromLangChainMessages(list);
    if (info.chatFormat === "template") return countTemplated(list, info, toolList as ToolDefinition[]);
    if (info.chatFormat === "plain") return countPlain(list, encoder, tools);
    return countFormatted(list, info, encoder, tools);
  } catch {
    // Something in the list threw (a getter, a Proxy trap): count it again one guarded message at a time.
    forgetList(list);
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
