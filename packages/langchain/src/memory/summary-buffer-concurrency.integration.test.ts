import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { InMemoryChatMessageHistory } from "@langchain/core/chat_history";
import { AIMessage, type BaseMessage, HumanMessage } from "@langchain/core/messages";
import { ChatPromptTemplate, MessagesPlaceholder } from "@langchain/core/prompts";
import { ChatOpenAI } from "@langchain/openai";
import { startOpenAIServer } from "@tokenledger/openai-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TokenLedgerHandler } from "../ledger/index.js";
import { createSummaryBuffer } from "./create-summary-buffer.js";
import { isSummaryRequest, summarizingReply } from "./summarizing-reply.test-helper.js";
import { SUMMARY_RUN_NAME } from "./summary-buffer.js";
import { SummaryBufferChatMessageHistory } from "./summary-buffer-history.js";

let server: Awaited<ReturnType<typeof startOpenAIServer>>;
/** Accepts requests and never answers; resolves `closed` when a client gives up on one. */
let silent: Server;
let closed: Promise<void>;

beforeAll(async () => {
  server = await startOpenAIServer({ reply: summarizingReply });
  let onClose!: () => void;
  closed = new Promise((resolve) => {
    onClose = resolve;
  });
  silent = createServer((request) => request.on("close", onClose));
  await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
});
afterAll(async () => {
  await server.close();
  silent.closeAllConnections();
  await new Promise((resolve) => silent.close(resolve));
});

const chat = (baseURL = server.baseURL) =>
  new ChatOpenAI({ model: "gpt-4o-mini", apiKey: "test", maxRetries: 0, configuration: { baseURL } });

const longChat = (): BaseMessage[] => [
  new HumanMessage("My name is Ada and my city is Lyon."),
  ...Array.from({ length: 60 }, (_, i) =>
    i % 2
      ? new AIMessage(`Answer ${i}: the museums of 巴黎 open at nine, the parks at dawn.`)
      : new HumanMessage(`Question ${i}: when do the museums and parks open?`),
  ),
];

const summaryRequests = (since: number) => server.requests.slice(since).filter(isSummaryRequest).length;

describe("summary memory with the real ChatOpenAI as summarizer", () => {
  it("10 concurrent getMessages() on one history share one fold: the summarizer calls of one read", async () => {
    const history = async () => {
      const store = new InMemoryChatMessageHistory();
      await store.addMessages(longChat());
      return new SummaryBufferChatMessageHistory(store, { summarizer: chat(), model: "gpt-4o-mini", maxTokens: 250, lowWaterMark: 1 });
    };
    let since = server.requests.length;
    const alone = await (await history()).getMessages();
    const one = summaryRequests(since);
    since = server.requests.length;
    const memory = await history();
    const reads = await Promise.all(Array.from({ length: 10 }, () => memory.getMessages()));
    const ten = summaryRequests(since);
    console.info(`summarizer calls: one read ${one}, 10 concurrent reads ${ten}`);
    expect(one).toBeGreaterThanOrEqual(4);
    expect(ten).toBe(one);
    for (const read of reads) expect(JSON.stringify(read)).toBe(JSON.stringify(alone));
    expect(memory.summary).toContain("my name is Ada");
  });

  it("a summarizer that never answers is cut off: the request is aborted, the prompt is trimmed, the ledger records the attempt", async () => {
    const ledger = new TokenLedgerHandler();
    const { port } = silent.address() as AddressInfo;
    const store = new InMemoryChatMessageHistory();
    await store.addMessages(longChat());
    const memory = new SummaryBufferChatMessageHistory(store, {
      summarizer: chat(`http://127.0.0.1:${port}/v1`),
      model: "gpt-4o-mini",
      maxTokens: 300,
      summaryTimeoutMs: 300,
      callbacks: [ledger],
    });
    const started = Date.now();
    const messages = await memory.getMessages();
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(memory.lastResult).toMatchObject({ degraded: true, error: "the summarizer did not answer within 300 ms", summarizedCount: 0 });
    expect(memory.lastResult!.promptTokens).toBeLessThanOrEqual(300);
    expect(messages.at(-1)).toBe((await store.getMessages()).at(-1));
    await closed;
    await expect.poll(() => ledger.records().filter((r) => r.runName === SUMMARY_RUN_NAME)).toHaveLength(1);
    expect(ledger.records()[0]!.status).toBe("error");
  });

  it("createSummaryBuffer without a thread key: Bob's prompt never carries Ada's summary", async () => {
    const prompt = ChatPromptTemplate.fromMessages([["system", "Be brief."], new MessagesPlaceholder("history")]);
    const chain = prompt.pipe(createSummaryBuffer({ summarizer: chat(), model: "gpt-4o-mini", maxTokens: 150 })).pipe(chat());
    const history = (first: string) => [
      new HumanMessage(first),
      new AIMessage("Got it."),
      ...Array.from({ length: 8 }, (_, i) => new HumanMessage(`Message ${i} about the weather in 北京 and elsewhere today.`)),
      new HumanMessage("What is my card?"),
    ];
    const since = server.requests.length;
    const ada = await chain.invoke({ history: history("My card is 4111111111111111.") });
    expect(ada.content).toBe("Your card is 4111111111111111.");
    const bob = await chain.invoke({ history: history("Hello, I am Bob.") });
    expect(bob.content).toBe("I do not know your card.");
    const bobPrompts = server.requests
      .slice(since)
      .filter((r) => !isSummaryRequest(r))
      .slice(1);
    expect(JSON.stringify(bobPrompts)).not.toContain("4111");
  });
});
