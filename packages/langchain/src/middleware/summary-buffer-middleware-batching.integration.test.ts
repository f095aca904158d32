import { type BaseMessage, HumanMessage } from "@langchain/core/messages";
import { ChatOpenAI } from "@langchain/openai";
import { promptTokens, startOpenAIServer } from "@tokenledger/openai-server";
import { createAgent } from "langchain";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SummaryBufferOptions } from "../memory/index.js";
import { isSummaryRequest, summarizingReply } from "../memory/summarizing-reply.test-helper.js";
import { summaryBufferMiddleware } from "./summary-buffer-middleware.js";

const WINDOW = 700;
const MAX_OUTPUT = 60;
const TURNS = 40;
let server: Awaited<ReturnType<typeof startOpenAIServer>>;

beforeAll(async () => {
  server = await startOpenAIServer({ contextWindow: WINDOW, reply: summarizingReply });
});
afterAll(() => server.close());

const chat = (maxTokens?: number) =>
  new ChatOpenAI({ model: "gpt-4o-mini", apiKey: "test", maxRetries: 0, maxTokens, configuration: { baseURL: server.baseURL } });

/** A 40-answer chat through a real createAgent; the summarizer calls it made, by the server's log. */
async function summaryCallsPer40Turns(options: Partial<SummaryBufferOptions>, threadId?: string) {
  const agent = createAgent({
    model: chat(MAX_OUTPUT),
    systemPrompt: "You are a travel agent. Answer briefly.",
    middleware: [summaryBufferMiddleware({ summarizer: chat(), maxTokens: WINDOW - MAX_OUTPUT, ...options })],
  });
  const before = server.requests.length;
  let messages: BaseMessage[] = [new HumanMessage("My name is Grace and my city is Oslo.")];
  for (let turn = 1; turn < TURNS; turn++) {
    const result = await agent.invoke({ messages }, threadId ? { configurable: { thread_id: threadId } } : {});
    messages = [...result.messages, new HumanMessage(`Turn ${turn}: tell me about the museums, parks and food of 巴黎 and 京都, please.`)];
  }
  messages[messages.length - 1] = new HumanMessage("What is my name?");
  const last = await agent.invoke({ messages }, threadId ? { configurable: { thread_id: threadId } } : {});
  const sent = server.requests.slice(before);
  const answers = sent.filter((r) => !isSummaryRequest(r));
  expect(answers).toHaveLength(TURNS);
  for (const r of answers) expect(promptTokens(r.model, r.messages) + MAX_OUTPUT).toBeLessThanOrEqual(WINDOW);
  return { calls: sent.filter(isSummaryRequest).length, answer: String(last.messages.at(-1)!.content) };
}

describe("summaryBufferMiddleware folds in batches", () => {
  it("makes at most one summarizer call every few turns by default, and still answers from the summary", async () => {
    const everyTurn = await summaryCallsPer40Turns({ lowWaterMark: 1 });
    const batched = await summaryCallsPer40Turns({});
    const keyed = await summaryCallsPer40Turns({}, "grace");
    const quarter = await summaryCallsPer40Turns({ lowWaterMark: 0.25 });
    console.info(
      `summary calls per ${TURNS} turns: lowWaterMark 1 ${everyTurn.calls}, 0.5 (default) ${batched.calls}, 0.5 with thread_id ${keyed.calls}, 0.25 ${quarter.calls}`,
    );
    expect(everyTurn.calls).toBeGreaterThan(TURNS / 2);
    expect(batched.calls).toBeLessThanOrEqual(TURNS / 4);
    expect(keyed.calls).toBe(batched.calls);
    expect(quarter.calls).toBeLessThanOrEqual(batched.calls);
    for (const run of [everyTurn, batched, keyed, quarter]) expect(run.answer).toBe("Your name is Grace.");
  });
});
