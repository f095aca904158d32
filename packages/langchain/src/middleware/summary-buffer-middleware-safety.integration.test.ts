import { AIMessage, type BaseMessage, HumanMessage } from "@langchain/core/messages";
import { ChatOpenAI } from "@langchain/openai";
import { startOpenAIServer } from "@tokenledger/openai-server";
import { createAgent } from "langchain";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isSummaryRequest, summarizingReply } from "../memory/summarizing-reply.test-helper.js";
import { summaryBufferMiddleware } from "./summary-buffer-middleware.js";

let server: Awaited<ReturnType<typeof startOpenAIServer>>;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

beforeAll(async () => {
  server = await startOpenAIServer({ reply: summarizingReply });
  process.on("unhandledRejection", onUnhandled);
});
afterAll(async () => {
  process.off("unhandledRejection", onUnhandled);
  await server.close();
});

const chat = () => new ChatOpenAI({ model: "gpt-4o-mini", apiKey: "test", maxRetries: 0, configuration: { baseURL: server.baseURL } });

const history = (first: string): BaseMessage[] => [
  new HumanMessage(first),
  new AIMessage("Got it."),
  ...Array.from({ length: 10 }, (_, i) => new HumanMessage(`Message ${i} about the weather in 北京 and elsewhere today.`)),
  new HumanMessage("What is my card?"),
];

describe("summaryBufferMiddleware in a real createAgent, under hostile use", () => {
  it("an onResult that throws, or rejects, never fails the agent call nor leaves an unhandled rejection", async () => {
    for (const onResult of [
      () => {
        throw new Error("listener bug");
      },
      async () => {
        throw Object.create(null);
      },
    ]) {
      const agent = createAgent({ model: chat(), middleware: [summaryBufferMiddleware({ summarizer: chat(), maxTokens: 150, onResult })] });
      const result = await agent.invoke({ messages: history("My card is 4111111111111111.") });
      expect(String(result.messages.at(-1)!.content)).toBe("Your card is 4111111111111111.");
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(unhandled).toEqual([]);
  });

  it("without a thread_id, one user's prompt never carries another user's summary", async () => {
    const agent = createAgent({ model: chat(), middleware: [summaryBufferMiddleware({ summarizer: chat(), maxTokens: 150 })] });
    const since = server.requests.length;
    const ada = await agent.invoke({ messages: history("My card is 4111111111111111.") });
    expect(String(ada.messages.at(-1)!.content)).toBe("Your card is 4111111111111111.");
    expect(server.requests.slice(since).some(isSummaryRequest)).toBe(true);
    const between = server.requests.length;
    const bob = await agent.invoke({ messages: history("Hello, I am Bob.") });
    expect(String(bob.messages.at(-1)!.content)).toBe("I do not know your card.");
    const bobAnswers = server.requests.slice(between).filter((r) => !isSummaryRequest(r));
    expect(JSON.stringify(bobAnswers)).not.toContain("4111");
  });
});
