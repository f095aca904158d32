import { HumanMessage } from "@langchain/core/messages";
import { ChatPromptTemplate, MessagesPlaceholder } from "@langchain/core/prompts";
import { ChatOpenAI } from "@langchain/openai";
import { promptTokens, startOpenAIServer } from "@tokenledger/openai-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TokenLedgerHandler } from "../ledger/index.js";
import { createSummaryBuffer } from "./create-summary-buffer.js";
import { isSummaryRequest, summarizingReply } from "./summarizing-reply.test-helper.js";
import { SUMMARY_RUN_NAME } from "./summary-buffer.js";

let server: Awaited<ReturnType<typeof startOpenAIServer>>;
beforeAll(async () => {
  server = await startOpenAIServer({ reply: summarizingReply });
});
afterAll(() => server.close());

const chat = () => new ChatOpenAI({ model: "gpt-4o-mini", apiKey: "test", maxRetries: 0, configuration: { baseURL: server.baseURL } });

describe("createSummaryBuffer", () => {
  it("sits between prompt and model, keeps the system prompt first, and keeps one summary per thread", async () => {
    const ledger = new TokenLedgerHandler();
    const prompt = ChatPromptTemplate.fromMessages([["system", "Be brief."], new MessagesPlaceholder("history")]);
    const chain = prompt.pipe(createSummaryBuffer({ summarizer: chat(), model: "gpt-4o-mini", maxTokens: 120 })).pipe(chat());
    const history = (who: string) => [
      new HumanMessage(`My name is ${who}.`),
      ...Array.from({ length: 8 }, (_, i) => new HumanMessage(`Message ${i} about the weather in 北京 and elsewhere today.`)),
      new HumanMessage("What is my name?"),
    ];
    const before = server.requests.length;
    const ada = await chain.invoke({ history: history("Ada") }, { configurable: { thread_id: "a" }, callbacks: [ledger] });
    const bob = await chain.invoke({ history: history("Bob") }, { configurable: { thread_id: "b" }, callbacks: [ledger] });
    expect(ada.content).toBe("Your name is Ada.");
    expect(bob.content).toBe("Your name is Bob.");
    const answers = server.requests.slice(before).filter((r) => !isSummaryRequest(r));
    for (const request of answers) {
      expect(request.messages[0]).toEqual({ role: "system", content: "Be brief." });
      expect(promptTokens(request.model, request.messages)).toBeLessThanOrEqual(120);
    }
    const summaries = ledger.records().filter((r) => r.runName === SUMMARY_RUN_NAME);
    expect(summaries.length).toBeGreaterThanOrEqual(2);
    // Inside a chain the summarizer's calls are child runs of the chain, each a record of its own.
    for (const r of summaries) expect(r.parentRunId).toBeDefined();
  });
});
