import { InMemoryChatMessageHistory } from "@langchain/core/chat_history";
import { ChatPromptTemplate, MessagesPlaceholder } from "@langchain/core/prompts";
import { RunnableWithMessageHistory } from "@langchain/core/runnables";
import { ChatOpenAI } from "@langchain/openai";
import { type OpenAIServer, startOpenAIServer } from "@tokenledger/openai-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withRefusalRetry } from "../recovery/index.js";
import { TrimmedChatMessageHistory, type TrimmedHistoryOptions } from "./index.js";

/** The setup: window 600, 100 tokens for the reply, a history budget of 500. */
const WINDOW = 600;
const REPLY = 100;
const SYSTEM = "You are a helpful assistant for a railway company. Answer briefly and politely.";
const TURNS = 50;
const question = (i: number) =>
  `Question ${i}: which train should I take from platform ${i % 7} to reach the airport before ${8 + (i % 12)} o'clock${i % 3 ? " with a large suitcase and a bicycle" : ""}?`;

let server: OpenAIServer;
beforeAll(async () => {
  server = await startOpenAIServer({ contextWindow: WINDOW });
});
afterAll(() => server.close());

/** A chat as the user built it: prompt (system, history, input) -> model, wrapped in RunnableWithMessageHistory. */
function chatWith(options: Omit<TrimmedHistoryOptions, "model" | "maxTokens">) {
  const stores = new Map<string, InMemoryChatMessageHistory>();
  const getMessageHistory = (sessionId: string) => {
    if (!stores.has(sessionId)) stores.set(sessionId, new InMemoryChatMessageHistory());
    return new TrimmedChatMessageHistory(stores.get(sessionId)!, { model: "gpt-4o-mini", maxTokens: WINDOW - REPLY, ...options });
  };
  const prompt = ChatPromptTemplate.fromMessages([["system", SYSTEM], new MessagesPlaceholder("history"), ["human", "{input}"]]);
  const model = new ChatOpenAI({
    model: "gpt-4o-mini",
    apiKey: "test",
    maxRetries: 0,
    maxTokens: REPLY,
    configuration: { baseURL: server.baseURL },
  });
  const chain = new RunnableWithMessageHistory({
    runnable: prompt.pipe(model),
    getMessageHistory,
    inputMessagesKey: "input",
    historyMessagesKey: "history",
  });
  return { chain, getMessageHistory, stores };
}

async function converse(invoke: (input: string) => Promise<unknown>) {
  const before = server.requests.length;
  let failed = 0;
  for (let i = 0; i < TURNS; i++) {
    try {
      await invoke(question(i));
    } catch (error) {
      if (!/maximum context length/.test(String(error))) throw error;
      failed++;
    }
  }
  return { failed, requests: server.requests.length - before };
}

describe("TrimmedChatMessageHistory in RunnableWithMessageHistory (issue #31: window 600, reply 100, history 500, 50 turns)", () => {
  it("as filed (a budget that leaves out the system prompt and the input) fails turn after turn", async () => {
    const { chain } = chatWith({});
    const { failed } = await converse((input) => chain.invoke({ input }, { configurable: { sessionId: "filed" } }));
    expect(failed).toBeGreaterThan(TURNS / 2);
  });

  it("with systemPrompt and inputReserve: zero failed turns, zero refusals", async () => {
    const { chain } = chatWith({ systemPrompt: SYSTEM, inputReserve: 60 });
    const { failed, requests } = await converse((input) => chain.invoke({ input }, { configurable: { sessionId: "whole-prompt" } }));
    expect(failed).toBe(0);
    expect(requests).toBe(TURNS);
  });

  for (const pruneStore of [false, true]) {
    it(`without the reserve (pruneStore ${pruneStore}), withRefusalRetry + recordRefusal: zero failed turns, a refusal is learned once`, async () => {
      const { chain, getMessageHistory, stores } = chatWith({ pruneStore });
      const chat = withRefusalRetry(chain, (error, _refusal, config) =>
        getMessageHistory(config?.configurable?.sessionId).recordRefusal(error),
      );
      const { failed, requests } = await converse((input) => chat.invoke({ input }, { configurable: { sessionId: "learns" } }));
      expect(failed).toBe(0);
      const retries = requests - TURNS;
      expect(retries).toBeGreaterThan(0);
      expect(retries).toBeLessThanOrEqual(3);
      // Every turn was stored: the refused attempts left nothing behind.
      const stored = await stores.get("learns")!.getMessages();
      expect(stored.length).toBe(pruneStore ? stored.length : TURNS * 2);
      expect(stored.at(-2)!.content).toBe(question(TURNS - 1));
    });
  }
});
