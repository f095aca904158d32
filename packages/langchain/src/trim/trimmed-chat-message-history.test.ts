import { InMemoryChatMessageHistory } from "@langchain/core/chat_history";
import { AIMessage, type BaseMessage, HumanMessage } from "@langchain/core/messages";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { trimHistory } from "./trim-history.js";
import { TrimmedChatMessageHistory } from "./trimmed-chat-message-history.js";

/** A store whose every operation waits until the test lets it go (or a macrotask, for the property). */
class LatentHistory extends InMemoryChatMessageHistory {
  gate: Promise<void> | undefined;
  constructor(public latency: () => Promise<void> = () => Promise.resolve()) {
    super();
  }
  private async wait() {
    await this.latency();
    await this.gate;
  }
  override async getMessages() {
    await this.wait();
    return super.getMessages();
  }
  override async addMessage(message: BaseMessage) {
    await this.wait();
    return super.addMessage(message);
  }
  override async addMessages(messages: BaseMessage[]) {
    await this.wait();
    // One at a time, as a remote store writes them: each write is a chance to interleave.
    for (const m of messages) await super.addMessage(m);
  }
  override async clear() {
    await this.wait();
    return super.clear();
  }
}

const turns = (count: number) => Array.from({ length: count }, (_, i) => (i % 2 ? new AIMessage(`a${i}`) : new HumanMessage(`q${i}`)));

describe("TrimmedChatMessageHistory with pruneStore over a store with latency", () => {
  it("keeps a message added between a prune's read and its clear (it was lost)", async () => {
    const inner = new LatentHistory();
    await inner.addMessages(turns(40));
    const history = new TrimmedChatMessageHistory(inner, { maxTokens: 60, pruneStore: true });
    let release!: () => void;
    inner.gate = new Promise((resolve) => {
      release = resolve;
    });
    const pruning = history.getMessages(); // reads, then clears and writes back
    const late = new HumanMessage("written while the prune runs");
    const adding = history.addMessage(late);
    release();
    const [kept] = await Promise.all([pruning, adding]);
    const stored = await inner.getMessages();
    expect(stored).toContain(late);
    expect(stored).toEqual([...kept, late]);
  });

  it("ends with the store a serial run of the same operations gives, whatever the interleaving (property)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(fc.constantFrom("prune", "prune-small"), fc.nat(5)), { minLength: 1, maxLength: 12 }),
        fc.scheduler(),
        async (operations, scheduler) => {
          const inner = new LatentHistory(() => scheduler.schedule(Promise.resolve(), "store latency"));
          const big = { maxTokens: 1_000, pruneStore: true };
          const small = { maxTokens: 30, pruneStore: true };
          const history = new TrimmedChatMessageHistory(inner, big);
          const other = new TrimmedChatMessageHistory(inner, small);
          let serial: BaseMessage[] = [];
          const running = operations.map((op, i) => {
            if (typeof op === "number") {
              const message = new HumanMessage(`message ${i}: ${"word ".repeat(op)}`);
              serial.push(message);
              return history.addMessage(message);
            }
            serial = trimHistory(serial, op === "prune" ? big : small);
            return (op === "prune" ? history : other).getMessages();
          });
          await scheduler.waitFor(Promise.all(running));
          inner.latency = () => Promise.resolve();
          expect(await inner.getMessages()).toEqual(serial);
        },
      ),
      { numRuns: 100 },
    );
  });
});
