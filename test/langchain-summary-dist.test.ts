import { createRequire } from "node:module";
import { InMemoryChatMessageHistory } from "@langchain/core/chat_history";
import { AIMessage, HumanMessage } from "@langchain/core/messages";
import { get_encoding } from "tiktoken";
import { describe, expect, it } from "vitest";

const require = createRequire(import.meta.url);

/** The built dist of @tokenledger/langchain: exact counters and summary buffer memory, as users import them. */
describe("@tokenledger/langchain counters and summary memory as published", () => {
  it("createTokenCounter counts a prompt as the tiktoken reference does (ESM and CommonJS)", async () => {
    const { createTokenCounter } = await import("@tokenledger/langchain");
    const messages = [new HumanMessage("人工智能 is here"), new AIMessage("Hello, world!")];
    const o200k = get_encoding("o200k_base");
    const n = (text: string) => o200k.encode_ordinary(text).length;
    // OpenAI's chat rule: 3 per message plus role and content, 3 to prime the reply.
    const expected = 3 + (3 + n("user") + n("人工智能 is here")) + (3 + n("assistant") + n("Hello, world!"));
    o200k.free();
    expect(createTokenCounter("gpt-4o")(messages)).toBe(expected);
    expect(require("@tokenledger/langchain").createTokenCounter({ model: "gpt-4o" })(messages)).toBe(expected);
  });

  it("SummaryBufferChatMessageHistory folds with a summarizer and keeps the store whole", async () => {
    const { SummaryBufferChatMessageHistory } = await import("@tokenledger/langchain");
    const summarizer = { invoke: async () => ({ content: "They said hello many times." }) };
    const store = new InMemoryChatMessageHistory();
    const memory = new SummaryBufferChatMessageHistory(store, { summarizer, model: "gpt-4o", maxTokens: 60 });
    for (let i = 0; i < 12; i++) await memory.addMessage(new HumanMessage(`hello number ${i}`));
    const messages = await memory.getMessages();
    expect(String(messages[0]!.content)).toMatch(/They said hello many times\./);
    expect(memory.lastResult!.summarizedCount).toBeGreaterThan(0);
    expect(await store.getMessages()).toHaveLength(12);
  });

  it("exposes summaryBufferMiddleware through the middleware subpath", async () => {
    const { summaryBufferMiddleware } = await import("@tokenledger/langchain/middleware");
    const summarizer = { invoke: async () => ({ content: "" }) };
    expect(summaryBufferMiddleware({ summarizer, maxTokens: 1000 }).name).toBe("SummaryBufferMiddleware");
  });
});
