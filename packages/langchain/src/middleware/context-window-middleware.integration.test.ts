import { type BaseMessage, HumanMessage } from "@langchain/core/messages";
import { ChatOpenAI } from "@langchain/openai";
import { type ChatRequest, promptTokens, startOpenAIServer } from "@tokenledger/openai-server";
import { createAgent } from "langchain";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { contextWindowMiddleware, TokenBudgetExceededError } from "./context-window-middleware.js";
import { lookup } from "./lookup-tool.test-helper.js";

const CONTEXT_WINDOW = 700;
let server: Awaited<ReturnType<typeof startOpenAIServer>>;

/** Calls the lookup tool once per user turn, then answers from its result. */
const reply = (request: ChatRequest) => {
  const last = request.messages.at(-1)!;
  if (last.role === "user")
    return { toolCalls: [{ name: "lookup", arguments: JSON.stringify({ word: String(last.content).slice(0, 20) }) }] };
  return { content: `The lookup said: ${String(last.content).slice(0, 40)}` };
};

beforeAll(async () => {
  server = await startOpenAIServer({ contextWindow: CONTEXT_WINDOW, reply });
});
afterAll(() => server.close());

const model = () =>
  new ChatOpenAI({ model: "gpt-4o-mini", apiKey: "test", maxRetries: 0, maxTokens: 60, configuration: { baseURL: server.baseURL } });

async function converse(agent: { invoke: (input: { messages: BaseMessage[] }) => Promise<{ messages: BaseMessage[] }> }, turns: number) {
  let messages: BaseMessage[] = [];
  for (let turn = 0; turn < turns; turn++) {
    const result = await agent.invoke({ messages: [...messages, new HumanMessage(`Turn ${turn}: what does 上下文 number ${turn} mean?`)] });
    messages = result.messages;
  }
  return messages;
}

describe("contextWindowMiddleware in a real createAgent", () => {
  it("trims every model call to the window, with system prompt and tools, where the plain agent is rejected", async () => {
    const systemPrompt = "You are a dictionary agent.";
    const trimmed = createAgent({
      model: model(),
      tools: [lookup],
      systemPrompt,
      middleware: [contextWindowMiddleware({ maxTokens: CONTEXT_WINDOW - 60 })],
    });
    const before = server.requests.length;
    const messages = await converse(trimmed, 12);
    expect(messages.length).toBe(12 * 4);
    const sent = server.requests.slice(before);
    expect(sent).toHaveLength(24);
    for (const request of sent) {
      expect(promptTokens(request.model, request.messages, request.tools) + 60).toBeLessThanOrEqual(CONTEXT_WINDOW);
      const system = request.messages[0]!;
      expect(system.role).toBe("system");
      expect(Array.isArray(system.content) ? system.content.map((p) => p.text).join("") : system.content).toBe(systemPrompt);
    }
    expect(sent.at(-1)!.messages.length).toBeLessThan(messages.length);

    const plain = createAgent({ model: model(), tools: [lookup], systemPrompt });
    await expect(converse(plain, 12)).rejects.toThrow(/maximum context length/);
  });

  it("sends messages to gpt-4 with its defaults (its max output is its whole window: the reserve is capped at half)", async () => {
    for (const name of ["gpt-4", "gpt-4-0613", "gpt-3.5-turbo-0613", "gpt-oss-120b"]) {
      const agent = createAgent({
        model: new ChatOpenAI({ model: name, apiKey: "test", maxRetries: 0, maxTokens: 60, configuration: { baseURL: server.baseURL } }),
        tools: [lookup],
        middleware: [contextWindowMiddleware()],
      });
      const before = server.requests.length;
      await agent.invoke({ messages: [new HumanMessage("What does budget mean?")] });
      const sent = server.requests.slice(before);
      expect(sent.length).toBeGreaterThan(0);
      for (const request of sent) expect(request.messages.length).toBeGreaterThan(0);
      expect(sent[0]!.messages.at(-1)!.content).toBe("What does budget mean?");
    }
  });

  it("rejects numbers that are not finite and >= 0 when it is made (NaN, negatives, Infinity), instead of an agent that ends before any call", () => {
    for (const reserveOutputTokens of [Number.NaN, -1e9]) {
      expect(() => contextWindowMiddleware({ reserveOutputTokens })).toThrow(/reserveOutputTokens must be a finite number >= 0/);
    }
    for (const threadTokenBudget of [Number.NaN, -1, 0, Number.POSITIVE_INFINITY]) {
      expect(() => contextWindowMiddleware({ threadTokenBudget })).toThrow(/threadTokenBudget must be a finite number > 0, got/);
    }
    for (const maxTokens of [Number.NaN, -5]) expect(() => contextWindowMiddleware({ maxTokens })).toThrow(/maxTokens must be/);
    expect(() => contextWindowMiddleware({ exitBehavior: "stop" as never })).toThrow(/exitBehavior/);
  });

  it("adds reported usage to the thread and ends the thread when the next call's reservation does not fit", async () => {
    const agent = createAgent({
      model: model(),
      tools: [lookup],
      middleware: [contextWindowMiddleware({ maxTokens: 600, threadTokenBudget: 150 })],
    });
    const before = server.requests.length;
    const first = await agent.invoke({ messages: [new HumanMessage("What does budget mean?")] });
    const spent = first.threadInputTokens + first.threadOutputTokens;
    // The first call (its prompt reserved with its 60 of output) ran; the second's reservation did not fit.
    expect(server.requests.length - before).toBe(1);
    expect(spent).toBeGreaterThan(0);
    expect(spent).toBeLessThanOrEqual(150);
    expect(first.messages.filter((m: BaseMessage) => m.getType() === "ai")).toHaveLength(2);
    expect(String(first.messages.at(-1)!.content)).toMatch(/Token budget exceeded.*next call may use up to/);

    const strict = createAgent({
      model: model(),
      tools: [lookup],
      middleware: [contextWindowMiddleware({ maxTokens: 600, threadTokenBudget: 10, exitBehavior: "error" })],
    });
    await expect(strict.invoke({ messages: [new HumanMessage("What does budget mean?")] })).rejects.toThrow(TokenBudgetExceededError);
  });

  it("never lets a thread spend more than its budget (issue #31: threadTokenBudget 2000 stopped only after 2,305)", async () => {
    const BUDGET = 2000;
    const agent = createAgent({
      model: model(),
      tools: [lookup],
      middleware: [contextWindowMiddleware({ maxTokens: CONTEXT_WINDOW - 60, threadTokenBudget: BUDGET })],
    });
    let state: { messages: BaseMessage[]; threadInputTokens: number; threadOutputTokens: number } = {
      messages: [],
      threadInputTokens: 0,
      threadOutputTokens: 0,
    };
    const before = server.requests.length;
    let turns = 0;
    for (; turns < 40; turns++) {
      state = await agent.invoke({
        ...state,
        messages: [...state.messages, new HumanMessage(`Turn ${turns}: what does 上下文 number ${turns} mean?`)],
      });
      if (/Token budget exceeded/.test(String(state.messages.at(-1)!.content))) break;
    }
    const spent = state.threadInputTokens + state.threadOutputTokens;
    // Exactly what the server reported for the calls made, and never over the budget (gpt-4o-mini counts exactly; the reserve covers the output).
    const reported = server.requests.slice(before).length;
    expect(reported).toBeGreaterThan(2);
    expect(turns).toBeLessThan(40);
    expect(spent).toBeLessThanOrEqual(BUDGET);
    expect(spent).toBeGreaterThan(BUDGET - (CONTEXT_WINDOW + 60));
  });
});
