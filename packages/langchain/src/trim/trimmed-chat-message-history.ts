import { BaseChatMessageHistory } from "@langchain/core/chat_history";
import type { BaseMessage } from "@langchain/core/messages";
import { type TrimOptions, trimHistoryAsync } from "./trim-history.js";

export interface TrimmedHistoryOptions extends TrimOptions {
  /** Also delete what no longer fits from the wrapped store. Default false: the store keeps everything. */
  pruneStore?: boolean;
}

/**
 * The tail of each store's queue of operations made through a TrimmedChatMessageHistory, so that a
 * write never lands between a prune's read and its clear. Keyed weakly by the store; every wrapper
 * of one store shares its queue.
 */
const queues = new WeakMap<BaseChatMessageHistory, Promise<unknown>>();

function serialized<T>(store: BaseChatMessageHistory, operation: () => Promise<T>): Promise<T> {
  const result = (queues.get(store) ?? Promise.resolve()).then(operation);
  const tail = result.then(
    () => undefined,
    () => undefined,
  );
  queues.set(store, tail);
  return result;
}

/**
 * Wraps any chat history so that `getMessages()` returns only what fits the budget.
 * Writes go to the wrapped history unchanged; nothing is deleted from it unless
 * `pruneStore` is set. Reads, writes and prunes made through wrappers of one store run one
 * after another, so a write that races a prune is never lost (writes made to the store
 * directly, around the wrapper, are not covered).
 *
 * @example
 * ```ts
 * const history = new TrimmedChatMessageHistory(new InMemoryChatMessageHistory(), { model: "gpt-4o-mini", maxTokens: 4000 });
 * await history.addMessage(new HumanMessage("Hi"));
 * await history.getMessages(); // the newest messages that fit in 4,000 tokens
 * ```
 */
export class TrimmedChatMessageHistory extends BaseChatMessageHistory {
  lc_namespace = ["tokenledger", "chat_history"];

  constructor(
    readonly inner: BaseChatMessageHistory,
    readonly options: TrimmedHistoryOptions,
  ) {
    super();
  }

  getMessages(): Promise<BaseMessage[]> {
    return serialized(this.inner, async () => {
      const all = await this.inner.getMessages();
      const kept = await trimHistoryAsync(all, this.options);
      if (this.options.pruneStore && (kept.length < all.length || kept.some((m, i) => m !== all[i]))) {
        await this.inner.clear();
        await this.inner.addMessages(kept);
      }
      return kept;
    });
  }

  addMessage(message: BaseMessage): Promise<void> {
    return serialized(this.inner, () => this.inner.addMessage(message));
  }

  override addMessages(messages: BaseMessage[]): Promise<void> {
    return serialized(this.inner, () => this.inner.addMessages(messages));
  }

  addUserMessage(message: string): Promise<void> {
    return serialized(this.inner, () => this.inner.addUserMessage(message));
  }

  addAIChatMessage(message: string): Promise<void> {
    return serialized(this.inner, () => this.inner.addAIMessage(message));
  }

  override addAIMessage(message: string): Promise<void> {
    return serialized(this.inner, () => this.inner.addAIMessage(message));
  }

  clear(): Promise<void> {
    return serialized(this.inner, () => this.inner.clear());
  }
}
