import { InMemoryChatMessageHistory } from "@langchain/core/chat_history";
import { HumanMessage } from "@langchain/core/messages";
import { ChatPromptTemplate, MessagesPlaceholder } from "@langchain/core/prompts";
import { RunnableWithMessageHistory } from "@langchain/core/runnables";
import { ChatOpenAI } from "@langchain/openai";
import { startOpenAIServer } from "@tokenledger/openai-server";
import { describe, expect, it } from "vitest";
import { createHistoryTrimmer } from "./create-history-trimmer.js";
import { TrimmedChatMessageHistory } from "./trimmed-chat-message-history.js";

/** gpt-4o-mini against a local server, answers capped at `maxTokens`. */
const chatModel = (baseURL: string, maxTokens: number) =>
  new ChatOpenAI({ model: "gpt-4o-mini", apiKey: "test", maxRetries: 0, maxTokens, configuration: { baseURL } });

describe("createHistoryTrimmer and TrimmedChatMessageHistory with the real ChatOpenAI", () => {
  it("lets a long chat through a server with a small context window that rejects the untrimmed one", async () => {
    const server = await startOpenAIServer({ contextWindow: 300 });
    try {
      const model = chatModel(server.baseURL, 50);
      const prompt = ChatPromptTemplate.fromMessages([
        ["system", "You are terse."],
        new MessagesPlaceholder("history"),
        ["human", "{input}"],
      ]);
      const history = new InMemoryChatMessageHistory();
      const memory = new TrimmedChatMessageHistory(history, { model: "gpt-4o-mini", maxTokens: 200 });
      const trimmed = prompt
        .pipe(createHistoryTrimmer({ model: "gpt-4o-mini", maxTokens: 250, includeSystem: true, startOn: "human" }))
        .pipe(model);
      for (let turn = 0; turn < 15; turn++) {
        const input = `Turn ${turn}: tell me something about tokens and 上下文窗口.`;
        const reply = await trimmed.invoke({ history: await memory.getMessages(), input });
        await memory.addMessages([new HumanMessage(input), reply]);
      }
      expect(await history.getMessages()).toHaveLength(30);
      expect((await memory.getMessages()).length).toBeLessThan(30);
      const untrimmed = prompt.pipe(model);
      await expect(untrimmed.invoke({ history: await history.getMessages(), input: "one more" })).rejects.toThrow(
        /maximum context length is 300/,
      );
    } finally {
      await server.close();
    }
  });

  it("drops into RunnableWithMessageHistory", async () => {
    const server = await startOpenAIServer({ contextWindow: 260 });
    try {
      const model = chatModel(server.baseURL, 40);
      const prompt = ChatPromptTemplate.fromMessages([["system", "Be brief."], new MessagesPlaceholder("history"), ["human", "{input}"]]);
      const chain = prompt
        .pipe(createHistoryTrimmer({ model: "gpt-4o-mini", maxTokens: 220, includeSystem: true, startOn: "human" }))
        .pipe(model);
      const store = new InMemoryChatMessageHistory();
      const withHistory = new RunnableWithMessageHistory({
        runnable: chain,
        getMessageHistory: () => store,
        inputMessagesKey: "input",
        historyMessagesKey: "history",
      });
      for (let turn = 0; turn < 12; turn++) {
        await withHistory.invoke({ input: `Turn ${turn}: what is a context window?` }, { configurable: { sessionId: "s1" } });
      }
      expect(await store.getMessages()).toHaveLength(24);
      expect(server.requests.at(-1)!.messages.length).toBeLessThan(24);
    } finally {
      await server.close();
    }
  });
});
