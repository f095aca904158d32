import { BaseChatMessageHistory } from "@langchain/core/chat_history";
import type { BaseMessage } from "@langchain/core/messages";
import { type TrimOptions, trimHistory } from "./trim-history.js";

export interface TrimmedHistoryOptions extends TrimOptions {
  /** Also delete what no longer fits from the wrapped store. Default false: the store keeps everything. */
  pruneStore?: boolean;
}

/**
 * Wraps any chat history so that `getMessages()` returns only what fits the budget.
 * Writes go to the wrapped history unchanged; nothing is deleted from it unless
 * `pruneStore` is set.
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

  async getMessages(): Promise<BaseMessage[]> {
    const all = await this.inner.getMessages();
    const kept = trimHistory(all, this.options);
    if (this.options.pruneStore && kept.length < all.length) {
      await this.inner.clear();
      await this.inner.addMessages(kept);
    }
    return kept;
  }

  async addMessage(message: BaseMessage): Promise<void> {
    await this.inner.addMessage(message);
  }

  override async addMessages(messages: BaseMessage[]): Promise<void> {
    await this.inner.addMessages(messages);
  }

  async addUserMessage(message: string): Promise<void> {
    await this.inner.addUserMessage(message);
  }

  async addAIChatMessage(message: string): Promise<void> {
    await this.inner.addAIMessage(message);
  }

  override async addAIMessage(message: string): Promise<void> {
    await this.inner.addAIMessage(message);
  }

  async clear(): Promise<void> {
    await this.inner.clear();
  }
}
