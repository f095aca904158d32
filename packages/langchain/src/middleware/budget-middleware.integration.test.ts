import { BaseCallbackHandler } from "@langchain/core/callbacks/base";
import { HumanMessage } from "@langchain/core/messages";
import { ChatOpenAI } from "@langchain/openai";
import { type OpenAIServer, startOpenAIServer } from "@tokenledger/openai-server";
import { createAgent } from "langchain";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BudgetExceededError, TokenBudget } from "../budget/index.js";
import { type LlmRunRecord, TokenLedgerHandler } from "../ledger/index.js";
import { budgetMiddleware } from "./budget-middleware.js";

let server: OpenAIServer;
beforeAll(async () => {
  server = await startOpenAIServer({ reply: () => ({ content: "fine" }) });
});
afterAll(() => server.close());

const model = () =>
  new ChatOpenAI({ model: "gpt-4o-mini", apiKey: "test", maxTokens: 40, maxRetries: 0, configuration: { baseURL: server.baseURL } });

class MetadataWatcher extends BaseCallbackHandler {
  name = "metadata-watcher";
  seen: unknown[] = [];
  override handleChatModelStart(
    _llm: unknown,
    _messages: unknown,
    _runId: string,
    _parent?: string,
    _extra?: unknown,
    _tags?: string[],
    metadata?: Record<string, unknown>,
  ) {
    this.seen.push(metadata?.tokenledger_budgets);
  }
}

describe("budgetMiddleware with createAgent", () => {
  it("settles each model call with the reported usage and names the budgets on the model run", async () => {
    const budget = new TokenBudget({ limits: [{ name: "user-daily", scope: "user", period: "day", quantity: "total", limit: 10_000 }] });
    const watcher = new MetadataWatcher();
    const agent = createAgent({ model: model(), tools: [], middleware: [budgetMiddleware({ budget })] });
    const state = await agent.invoke({ messages: [new HumanMessage("hello")] }, { metadata: { user_id: "u1" }, callbacks: [watcher] });
    const usage = (state.messages.at(-1) as { usage_metadata?: { total_tokens: number } }).usage_metadata!;
    expect((await budget.status({ userId: "u1" }))[0]).toMatchObject({ spent: usage.total_tokens, reserved: 0 });
    expect(watcher.seen).toEqual([["user-daily"]]);
  });

  it('exitBehavior "end": a refused call ends the agent with a message naming the budget; the ledger records the refusal', async () => {
    const budget = new TokenBudget({ limits: [{ name: "tiny", scope: "user", period: "day", quantity: "total", limit: 30 }] });
    const ledger = new TokenLedgerHandler();
    const records: LlmRunRecord[] = [];
    ledger.onRecord((r) => records.push(r));
    const sent = server.requests.length;
    const agent = createAgent({ model: model(), tools: [], middleware: [budgetMiddleware({ budget, exitBehavior: "end" })] });
    const state = await agent.invoke({ messages: [new HumanMessage("hello")] }, { metadata: { user_id: "u1" }, callbacks: [ledger] });
    expect(server.requests.length).toBe(sent);
    expect(String(state.messages.at(-1)!.content)).toContain('Budget "tiny"');
    await new Promise((r) => setTimeout(r, 50));
    expect(records.find((r) => r.status === "error")?.error).toContain("tiny");
  });

  it('exitBehavior "error" throws BudgetExceededError; a thread budget reads configurable.thread_id', async () => {
    const budget = new TokenBudget({ limits: [{ name: "thread", scope: "thread", period: "run", quantity: "input", limit: 5 }] });
    const agent = createAgent({
      model: model(),
      tools: [],
      middleware: [
        budgetMiddleware({ budget, exitBehavior: "error", context: (c) => ({ threadId: String(c?.configurable?.thread_id), runId: "r" }) }),
      ],
    });
    const error = await agent.invoke({ messages: [new HumanMessage("hello")] }, { configurable: { thread_id: "th-9" } }).catch((e) => e);
    // createAgent wraps a middleware's error in a MiddlewareError that keeps its name and message; the error itself is its cause.
    expect(error).toMatchObject({ name: "BudgetExceededError" });
    expect(error.message).toContain('Budget "thread"');
    expect(error.cause).toBeInstanceOf(BudgetExceededError);
    expect(error.cause).toMatchObject({ budget: "thread", scopeKey: "th-9|r", limit: 5 });
    expect(() => budgetMiddleware({ budget, exitBehavior: "stop" as never })).toThrow(TypeError);
  });
});
