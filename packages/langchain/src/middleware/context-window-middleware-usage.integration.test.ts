import { HumanMessage } from "@langchain/core/messages";
import { ChatOpenAI } from "@langchain/openai";
import { type OpenAIServer, startOpenAIServer, type Usage } from "@tokenledger/openai-server";
import { createAgent } from "langchain";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { contextWindowMiddleware } from "./context-window-middleware.js";

// The middleware adds provider usage to the thread's state; it validates it as the ledger does.

let reported: Record<string, unknown> = {};
let server: OpenAIServer;
beforeAll(async () => {
  server = await startOpenAIServer({ usage: () => reported as unknown as Usage });
});
afterAll(() => server.close());

const agent = () =>
  createAgent({
    model: new ChatOpenAI({ model: "gpt-4o-mini", apiKey: "test", maxRetries: 0, configuration: { baseURL: server.baseURL } }),
    tools: [],
    middleware: [contextWindowMiddleware({ threadTokenBudget: 1_000_000 })],
  });

describe("contextWindowMiddleware with hostile reported usage", () => {
  it("a string prompt_tokens adds nothing instead of failing the state's validation", async () => {
    reported = { prompt_tokens: "12", completion_tokens: 4 };
    const state = await agent().invoke({ messages: [new HumanMessage("hi")] });
    expect(state).toMatchObject({ threadInputTokens: 0, threadOutputTokens: 4 });
    // With a consistent total, the input is the total less the output.
    reported = { prompt_tokens: "12", completion_tokens: 4, total_tokens: 16 };
    expect(await agent().invoke({ messages: [new HumanMessage("hi")] })).toMatchObject({ threadInputTokens: 12, threadOutputTokens: 4 });
  });

  it("a negative prompt_tokens never drives spending below zero", async () => {
    reported = { prompt_tokens: -1_000_000, completion_tokens: 4, total_tokens: -999_996 };
    const state = await agent().invoke({ messages: [new HumanMessage("hi")] });
    expect(state).toMatchObject({ threadInputTokens: 0, threadOutputTokens: 4 });
  });

  it("valid usage is added as reported", async () => {
    reported = { prompt_tokens: 21, completion_tokens: 4, total_tokens: 25 };
    const state = await agent().invoke({ messages: [new HumanMessage("hi")] });
    expect(state).toMatchObject({ threadInputTokens: 21, threadOutputTokens: 4 });
  });
});
