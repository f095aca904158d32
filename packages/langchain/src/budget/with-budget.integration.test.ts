import { InMemoryChatMessageHistory } from "@langchain/core/chat_history";
import { ChatPromptTemplate, MessagesPlaceholder } from "@langchain/core/prompts";
import { RunnableWithMessageHistory } from "@langchain/core/runnables";
import { ChatOpenAI } from "@langchain/openai";
import { type OpenAIServer, startOpenAIServer } from "@tokenledger/openai-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LlmRunRecord, TokenLedgerHandler } from "../ledger/index.js";
import { BudgetExceededError } from "./budget-exceeded-error.js";
import { TokenBudget } from "./token-budget.js";
import { withBudget } from "./with-budget.js";

let server: OpenAIServer;
beforeAll(async () => {
  server = await startOpenAIServer({ reply: () => ({ content: "ok ok ok" }) });
});
afterAll(() => server.close());

const chat = (streaming = false) =>
  new ChatOpenAI({
    model: "gpt-4o-mini",
    apiKey: "test",
    maxTokens: 50,
    maxRetries: 0,
    streaming,
    configuration: { baseURL: server.baseURL },
  });

function ledgerOf() {
  const ledger = new TokenLedgerHandler();
  const records: LlmRunRecord[] = [];
  ledger.onRecord((r) => records.push(r));
  return { ledger, records };
}

describe("withBudget over a real ChatOpenAI", () => {
  it("reserves, settles with the provider's usage, names the budgets on the run, and refuses with a ledger record", async () => {
    const budget = new TokenBudget({ limits: [{ name: "user-daily", scope: "user", period: "day", quantity: "total", limit: 60 }] });
    const { ledger, records } = ledgerOf();
    const model = withBudget(chat(), budget);
    const reply = await model.invoke("Hello there", { metadata: { user_id: "u1" }, callbacks: [ledger] });
    const usage = reply.usage_metadata!;
    expect((await budget.status({ userId: "u1" }))[0]).toMatchObject({ spent: usage.input_tokens + usage.output_tokens, reserved: 0 });
    expect(records[0]).toMatchObject({ status: "ok", inputTokens: usage.input_tokens });
    expect(String(records[0]!.metadata.tokenledger_budgets)).toContain("user-daily");

    // 60 - spent is less than the next call's input + 50 max output: refused before any request is sent.
    const sent = server.requests.length;
    const error = await model.invoke("Hello again", { metadata: { user_id: "u1" }, callbacks: [ledger] }).catch((e) => e);
    expect(error).toBeInstanceOf(BudgetExceededError);
    expect(server.requests.length).toBe(sent);
    await new Promise((r) => setTimeout(r, 50));
    const refused = records.at(-1)!;
    expect(refused).toMatchObject({ status: "error", model: "gpt-4o-mini" });
    expect(refused.error).toContain("user-daily");
    expect(await budget.store.activeReservations()).toBe(0);
  });

  it("streams, settling with the usage of the last chunk; releases when the provider fails", async () => {
    const budget = new TokenBudget({ limits: [{ name: "t", scope: "thread", period: "month", quantity: "output", limit: 1000 }] });
    const chunks: string[] = [];
    for await (const chunk of await withBudget(chat(true), budget).stream("Hi", { metadata: { thread_id: "t1" } }))
      chunks.push(String(chunk.content));
    expect(chunks.join("")).toBe("ok ok ok");
    expect((await budget.status({ threadId: "t1" }))[0]).toMatchObject({ spent: 3, reserved: 0 });

    const failing = await startOpenAIServer({ fail: () => ({ status: 500, message: "boom" }) });
    try {
      const model = new ChatOpenAI({
        model: "gpt-4o-mini",
        apiKey: "test",
        maxTokens: 50,
        maxRetries: 0,
        configuration: { baseURL: failing.baseURL },
      });
      await expect(withBudget(model, budget).invoke("Hi", { metadata: { thread_id: "t1" } })).rejects.toThrow(/boom/);
      expect((await budget.status({ threadId: "t1" }))[0]).toMatchObject({ spent: 3, reserved: 0 });
    } finally {
      await failing.close();
    }
  });

  it("in an LCEL chain under RunnableWithMessageHistory, the session is the thread", async () => {
    const budget = new TokenBudget({ limits: [{ name: "session", scope: "thread", period: "day", quantity: "total", limit: 10_000 }] });
    const prompt = ChatPromptTemplate.fromMessages([new MessagesPlaceholder("history"), ["human", "{question}"]]);
    const histories = new Map<string, InMemoryChatMessageHistory>();
    const chain = new RunnableWithMessageHistory({
      runnable: prompt.pipe(withBudget(chat(), budget)),
      getMessageHistory: (id: string) => {
        if (!histories.has(id)) histories.set(id, new InMemoryChatMessageHistory());
        return histories.get(id)!;
      },
      inputMessagesKey: "question",
      historyMessagesKey: "history",
    });
    const config = { configurable: { sessionId: "s1" } };
    await chain.invoke({ question: "first" }, config);
    await chain.invoke({ question: "second" }, config);
    const status = (await budget.status({ threadId: "s1" }))[0]!;
    expect(status.spent).toBeGreaterThan(0);
    expect(status.reserved).toBe(0);
    expect(await histories.get("s1")!.getMessages()).toHaveLength(4);
  });
});
