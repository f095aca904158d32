import { InMemoryChatMessageHistory } from "@langchain/core/chat_history";
import { AIMessage, type BaseMessage, HumanMessage } from "@langchain/core/messages";
import { countMessages, resolveModel } from "@tokenledger/core";
import { describe, expect, it } from "vitest";
import { toChatMessage } from "../counters/index.js";
import { createHistoryTrimmer } from "./create-history-trimmer.js";
import { trimHistory, trimHistoryAsync } from "./trim-history.js";
import { TrimmedChatMessageHistory } from "./trimmed-chat-message-history.js";

/**
 * The async paths load an open-weight model's tokenizer data themselves (`loadEncoding`), so
 * their result is exact with no prior `loadEncoding` call: the longest tail whose count by the
 * model's own tokenizer and chat template fits. Each case uses a family no other case loads.
 */
const history: BaseMessage[] = Array.from({ length: 120 }, (_, i) =>
  i % 2
    ? new AIMessage(`Answer ${i}: the context window decides how much a model reads.`)
    : new HumanMessage(`Question ${i}: what decides it?`),
);
const BUDGET = 600;

const loaded = (model: string) => countMessages([], { model }).encoding === resolveModel(model).encoding;
const count = (model: string, messages: BaseMessage[]) =>
  countMessages(
    messages.map((m) => toChatMessage(m)),
    { model },
  ).total;

/** The result is the exact one: it fits, one more message would not, and the synchronous trim (data now loaded) agrees. */
function expectExact(model: string, kept: BaseMessage[]) {
  expect(loaded(model), `${model} loaded by the trim`).toBe(true);
  expect(kept.length).toBeGreaterThan(0);
  expect(kept).toEqual(history.slice(-kept.length));
  expect(count(model, kept)).toBeLessThanOrEqual(BUDGET);
  expect(count(model, history.slice(-kept.length - 1))).toBeGreaterThan(BUDGET);
  expect(trimHistory(history, { model, maxTokens: BUDGET })).toEqual(kept);
}

describe("the async paths load an open-weight model's data (no prior loadEncoding)", () => {
  it("trimHistoryAsync (llama3.1)", async () => {
    expect(loaded("llama3.1:8b")).toBe(false);
    expectExact("llama3.1:8b", await trimHistoryAsync(history, { model: "llama3.1:8b", maxTokens: BUDGET }));
  });

  it("createHistoryTrimmer (qwen3)", async () => {
    expect(loaded("qwen3")).toBe(false);
    expectExact("qwen3", await createHistoryTrimmer({ model: "qwen3", maxTokens: BUDGET }).invoke(history));
  });

  it("TrimmedChatMessageHistory (deepseek-v3)", async () => {
    expect(loaded("deepseek-v3")).toBe(false);
    const store = new InMemoryChatMessageHistory();
    await store.addMessages(history);
    expectExact("deepseek-v3", await new TrimmedChatMessageHistory(store, { model: "deepseek-v3", maxTokens: BUDGET }).getMessages());
  });
});
