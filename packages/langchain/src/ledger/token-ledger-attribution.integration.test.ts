import { InMemoryChatMessageHistory } from "@langchain/core/chat_history";
import { ChatPromptTemplate, MessagesPlaceholder } from "@langchain/core/prompts";
import { RunnableWithMessageHistory } from "@langchain/core/runnables";
import { ChatOpenAI } from "@langchain/openai";
import { type OpenAIServer, startOpenAIServer } from "@tokenledger/openai-server";
import { createAgent } from "langchain";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TokenLedgerHandler } from "./token-ledger-handler.js";

// #33 item 1 with the real runtimes: what the callbacks see of `configurable`.

describe("attribution from the runtime's own metadata (#33)", () => {
  let server: OpenAIServer;
  beforeAll(async () => {
    server = await startOpenAIServer();
  });
  afterAll(() => server.close());
  const model = () => new ChatOpenAI({ model: "gpt-4o-mini", apiKey: "test", maxRetries: 0, configuration: { baseURL: server.baseURL } });

  it("createAgent (LangGraph) copies configurable.thread_id into the model run's metadata: the default reads it", async () => {
    const ledger = new TokenLedgerHandler();
    const agent = createAgent({ model: model(), tools: [] });
    await agent.invoke(
      { messages: [{ role: "user", content: "hi" }] },
      { configurable: { thread_id: "thread-42" }, metadata: { user_id: "u-7", tenant_id: "acme" }, tags: ["prod"], callbacks: [ledger] },
    );
    const [record] = ledger.records();
    expect(record).toMatchObject({ threadId: "thread-42", userId: "u-7", tenantId: "acme" });
    expect(record!.tags).toContain("prod");
    expect(record!.metadata).toMatchObject({ thread_id: "thread-42", ls_provider: "openai" });
    expect(ledger.getTrace(record!.rootRunId)).toMatchObject({ threadId: "thread-42", userId: "u-7", tenantId: "acme" });
  });

  it("RunnableWithMessageHistory keeps sessionId in configurable only, which callbacks never see: pass it in metadata too", async () => {
    const prompt = ChatPromptTemplate.fromMessages([new MessagesPlaceholder("history"), ["human", "{input}"]]);
    const histories = new Map<string, InMemoryChatMessageHistory>();
    const chain = new RunnableWithMessageHistory({
      runnable: prompt.pipe(model()),
      getMessageHistory: (id: string) => histories.get(id) ?? histories.set(id, new InMemoryChatMessageHistory()).get(id)!,
      inputMessagesKey: "input",
      historyMessagesKey: "history",
    });
    const ledger = new TokenLedgerHandler();
    await chain.invoke({ input: "hello" }, { configurable: { sessionId: "s-1" }, callbacks: [ledger] });
    expect(ledger.records()[0]!.threadId).toBeUndefined();
    expect(Object.keys(ledger.records()[0]!.metadata)).not.toContain("sessionId");
    await chain.invoke({ input: "again" }, { configurable: { sessionId: "s-1" }, metadata: { sessionId: "s-1" }, callbacks: [ledger] });
    expect(ledger.records()[1]!.threadId).toBe("s-1");
  });
});
