import { type BaseMessage, HumanMessage } from "@langchain/core/messages";
import { ChatOpenAI } from "@langchain/openai";
import { type ChatRequest, promptTokens, startOpenAIServer } from "@tokenledger/openai-server";
import { createAgent } from "langchain";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TokenLedgerHandler } from "../ledger/index.js";
import { SUMMARY_RUN_NAME, type SummaryBufferResult } from "../memory/index.js";
import { isSummaryRequest, summarizingReply } from "../memory/summarizing-reply.test-helper.js";
import { lookup } from "./lookup-tool.test-helper.js";
import { summaryBufferMiddleware } from "./summary-buffer-middleware.js";

const WINDOW = 700;
const MAX_OUTPUT = 60;
let server: Awaited<ReturnType<typeof startOpenAIServer>>;

/** Looks a word up once per user turn that is not a question about the user, then answers. */
const reply = (request: ChatRequest) => {
  const last = request.messages.at(-1)!;
  if (!isSummaryRequest(request) && last.role === "user" && !/what is my/i.test(String(last.content)))
    return { toolCalls: [{ name: "lookup", arguments: JSON.stringify({ word: String(last.content).slice(0, 20) }) }] };
  return summarizingReply(request);
};

beforeAll(async () => {
  server = await startOpenAIServer({ contextWindow: WINDOW, reply });
});
afterAll(() => server.close());

const chat = (maxTokens?: number) =>
  new ChatOpenAI({ model: "gpt-4o-mini", apiKey: "test", maxRetries: 0, maxTokens, configuration: { baseURL: server.baseURL } });

describe("summaryBufferMiddleware in a real createAgent", () => {
  it("fits every call with system prompt and tools, summarizes with tagged runs of its own, and answers from the summary", async () => {
    const ledger = new TokenLedgerHandler();
    const results: SummaryBufferResult[] = [];
    const agent = createAgent({
      model: chat(MAX_OUTPUT),
      tools: [lookup],
      systemPrompt: "You are a dictionary agent.",
      middleware: [summaryBufferMiddleware({ summarizer: chat(), maxTokens: WINDOW - MAX_OUTPUT, onResult: (r) => results.push(r) })],
    });
    const before = server.requests.length;
    let messages: BaseMessage[] = [new HumanMessage("My name is Grace.")];
    for (let turn = 1; turn <= 12; turn++) {
      const result = await agent.invoke({ messages }, { callbacks: [ledger] });
      messages = [...result.messages, new HumanMessage(`Turn ${turn}: what does 上下文 number ${turn} mean?`)];
    }
    messages[messages.length - 1] = new HumanMessage("What is my name?");
    const last = await agent.invoke({ messages }, { callbacks: [ledger] });
    expect(String(last.messages.at(-1)!.content)).toBe("Your name is Grace.");
    expect(last.messages.length).toBe(messages.length + 1);

    const sent = server.requests.slice(before);
    const answers = sent.filter((r) => !isSummaryRequest(r));
    for (const request of answers) {
      expect(promptTokens(request.model, request.messages, request.tools) + MAX_OUTPUT).toBeLessThanOrEqual(WINDOW);
      const system = request.messages[0]!;
      expect(system.role).toBe("system");
      expect(Array.isArray(system.content) ? system.content.map((p) => p.text).join("") : system.content).toBe(
        "You are a dictionary agent.",
      );
      expect(request.tools).toHaveLength(1);
    }
    expect(sent.some(isSummaryRequest)).toBe(true);
    expect(results.some((r) => r.foldedNow > 0)).toBe(true);
    expect(results.every((r) => !r.degraded)).toBe(true);

    const summaries = ledger.records().filter((r) => r.runName === SUMMARY_RUN_NAME);
    expect(summaries).toHaveLength(sent.filter(isSummaryRequest).length);
    expect(ledger.records().length).toBe(sent.length);
  });
});
