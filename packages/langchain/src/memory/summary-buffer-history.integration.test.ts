import { InMemoryChatMessageHistory } from "@langchain/core/chat_history";
import { type AIMessage, HumanMessage, SystemMessage } from "@langchain/core/messages";
import { ChatOpenAI } from "@langchain/openai";
import { startOpenAIServer } from "@tokenledger/openai-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TokenLedgerHandler } from "../ledger/index.js";
import { isSummaryRequest, summarizingReply } from "./summarizing-reply.test-helper.js";
import { SUMMARY_RUN_NAME } from "./summary-buffer.js";
import { SummaryBufferChatMessageHistory } from "./summary-buffer-history.js";

const WINDOW = 420;
const MAX_OUTPUT = 100;
const SYSTEM = "You are a helpful assistant. Answer briefly.";
let server: Awaited<ReturnType<typeof startOpenAIServer>>;
let summarizerDown = false;

beforeAll(async () => {
  server = await startOpenAIServer({
    contextWindow: WINDOW,
    reply: summarizingReply,
    fail: (request) => (summarizerDown && isSummaryRequest(request) ? { status: 503, message: "summarizer overloaded" } : undefined),
  });
});
afterAll(() => server.close());

const chat = (maxTokens?: number) =>
  new ChatOpenAI({ model: "gpt-4o-mini", apiKey: "test", maxRetries: 0, maxTokens, configuration: { baseURL: server.baseURL } });

describe("SummaryBufferChatMessageHistory with the real ChatOpenAI", () => {
  it("keeps every prompt in the window by the server's count, remembers turn 1 through the summary, and degrades to trimming when the summarizer fails", async () => {
    const ledger = new TokenLedgerHandler();
    const store = new InMemoryChatMessageHistory();
    const memory = new SummaryBufferChatMessageHistory(store, {
      summarizer: chat(),
      model: "gpt-4o-mini",
      maxTokens: WINDOW - MAX_OUTPUT,
      systemPrompt: SYSTEM,
      callbacks: [ledger],
    });
    const answerer = chat(MAX_OUTPUT);
    const turn = async (text: string) => {
      await memory.addMessage(new HumanMessage(text));
      const answer = await answerer.invoke([new SystemMessage(SYSTEM), ...(await memory.getMessages())], { callbacks: [ledger] });
      await memory.addMessage(answer);
      expect(answer.usage_metadata!.input_tokens).toBeLessThanOrEqual(WINDOW - MAX_OUTPUT);
      expect(answer.usage_metadata!.input_tokens).toBe(memory.lastResult!.promptTokens);
      return answer as AIMessage;
    };

    await turn("Hello! My name is Ada and my city is Lyon.");
    for (let i = 2; i <= 14; i++) await turn(`Turn ${i}: tell me something about the museums of 巴黎 and 里昂, in a few sentences please.`);
    expect(memory.lastResult!.summarizedCount).toBeGreaterThan(2);
    expect(memory.summary).toContain("my name is Ada");
    expect(String((await turn("What is my name?")).content)).toBe("Your name is Ada.");
    expect(await store.getMessages()).toHaveLength(30);

    const records = ledger.records();
    const summaries = records.filter((r) => r.runName === SUMMARY_RUN_NAME);
    expect(summaries.length).toBeGreaterThan(0);
    expect(records.length - summaries.length).toBe(15);
    for (const r of summaries) {
      expect(r.rootRunId).toBe(r.runId);
      expect(r.source).toBe("provider");
      expect(r.inputTokens).toBeGreaterThan(0);
    }

    summarizerDown = true;
    try {
      const folded = memory.lastResult!.summarizedCount;
      let degraded = 0;
      for (let i = 16; i <= 20; i++) {
        await turn(`Turn ${i}: and what about the gardens of 凡尔赛 and the river walks?`);
        if (memory.lastResult!.degraded) {
          degraded++;
          expect(memory.lastResult!.error).toMatch(/overloaded/);
        }
      }
      expect(degraded).toBeGreaterThan(0);
      expect(memory.lastResult!.summarizedCount).toBe(folded);
      expect(await store.getMessages()).toHaveLength(40);
      expect(ledger.records().some((r) => r.runName === SUMMARY_RUN_NAME && r.status === "error")).toBe(true);
    } finally {
      summarizerDown = false;
    }
    await turn("Back again, with one more question.");
    expect(memory.lastResult!.degraded).toBe(false);
    expect(memory.lastResult!.foldedNow).toBeGreaterThan(0);
    expect(String((await turn("What is my city?")).content)).toBe("Your city is Lyon.");

    await memory.clear();
    expect(memory.summary).toBe("");
    expect(await store.getMessages()).toHaveLength(0);
  });
});
