import { InMemoryChatMessageHistory } from "@langchain/core/chat_history";
import { AIMessage, type BaseMessage, HumanMessage, SystemMessage, ToolMessage } from "@langchain/core/messages";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { TokenCalibration } from "../calibration/index.js";
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

describe("TrimmedChatMessageHistory knows the whole prompt", () => {
  const chat = () => turns(30);
  it("takes systemPrompt, inputReserve and tools out of the budget, and never returns the system prompt", async () => {
    const inner = new InMemoryChatMessageHistory();
    await inner.addMessages(chat());
    const system = "You are a terse assistant who answers in one short sentence.";
    const plain = await new TrimmedChatMessageHistory(inner, { maxTokens: 120 }).getMessages();
    const whole = await new TrimmedChatMessageHistory(inner, { maxTokens: 120, systemPrompt: system, inputReserve: 30 }).getMessages();
    expect(whole.every((m) => m.getType() !== "system")).toBe(true);
    // The same as trimming the system prompt + history to the budget less the reserve.
    const expected = trimHistory([new SystemMessage(system), ...chat()], { maxTokens: 90, includeSystem: true }).slice(1);
    expect(whole.map((m) => m.content)).toEqual(expected.map((m) => m.content));
    expect(whole.length).toBeLessThan(plain.length);
  });

  it("rejects an inputReserve that is not a finite number >= 0, and a systemPrompt that is not text or a SystemMessage", () => {
    const inner = new InMemoryChatMessageHistory();
    for (const inputReserve of [Number.NaN, -1, Number.POSITIVE_INFINITY]) {
      expect(() => new TrimmedChatMessageHistory(inner, { maxTokens: 100, inputReserve })).toThrow(
        /inputReserve must be a finite number >= 0/,
      );
    }
    expect(() => new TrimmedChatMessageHistory(inner, { maxTokens: 100, systemPrompt: 42 as never })).toThrow(/systemPrompt/);
  });

  it("recordRefusal learns what the prompt added, for every wrapper of the store; other errors are not learned", async () => {
    const inner = new InMemoryChatMessageHistory();
    await inner.addMessages(chat());
    const options = { model: "gpt-4o", maxTokens: 200 };
    const first = new TrimmedChatMessageHistory(inner, options);
    const before = await first.getMessages();
    expect(first.recordRefusal(new Error("429 rate limited"))).toBe(false);
    // The provider counted 280 prompt tokens against the 200 window left after the reply: the prompt added what the history did not know.
    const refusal = `This model's maximum context length is 250 tokens. However, you requested 330 tokens (280 in the messages, 50 in the completion).`;
    expect(first.recordRefusal(new Error(refusal))).toBe(true);
    const after = await new TrimmedChatMessageHistory(inner, options).getMessages();
    expect(after.length).toBeLessThan(before.length);
  });
});

describe("TrimmedChatMessageHistory pruneStore deletes only what the budget dropped (issue #32)", () => {
  it("keeps an AI tool call read before its answer arrives, and then its answer", async () => {
    const inner = new InMemoryChatMessageHistory();
    await inner.addMessages(turns(20));
    const call = new AIMessage({ content: "", tool_calls: [{ id: "call_1", name: "lookup", args: { q: "x" } }] });
    await inner.addMessage(call);
    const history = new TrimmedChatMessageHistory(inner, { maxTokens: 60, pruneStore: true });
    const read = await history.getMessages();
    expect(read).not.toContain(call); // not valid yet: its answer has not arrived
    expect(await inner.getMessages()).toContain(call); // but not deleted
    const answer = new ToolMessage({ content: "found", tool_call_id: "call_1" });
    await history.addMessage(answer);
    const stored = await inner.getMessages();
    expect(stored.slice(-2)).toEqual([call, answer]);
    const next = await history.getMessages();
    expect(next.slice(-2)).toEqual([call, answer]);
    // What the budget dropped is gone from the store.
    expect((await inner.getMessages()).length).toBe(next.length);
  });
});

describe("TrimmedChatMessageHistory#recordRefusal and the calibration", () => {
  it("records the provider's size of the whole prompt when it is given, and nothing without it", async () => {
    const inner = new InMemoryChatMessageHistory();
    await inner.addMessages(turns(10));
    const calibration = new TokenCalibration();
    const history = new TrimmedChatMessageHistory(inner, { model: "claude-sonnet-4-5", maxTokens: 300, calibration });
    const sent = await history.getMessages();
    const refusal = new Error("prompt is too long: 400 tokens > 300 maximum");
    expect(history.recordRefusal(refusal)).toBe(true);
    expect(calibration.stats("claude-sonnet-4-5")).toBeUndefined();
    expect(history.recordRefusal(refusal, sent)).toBe(true);
    expect(calibration.stats("claude-sonnet-4-5")!.samples).toBe(1);
  });
});
