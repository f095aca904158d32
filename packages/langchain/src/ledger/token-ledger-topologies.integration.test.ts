import { randomUUID } from "node:crypto";
import { InMemoryChatMessageHistory } from "@langchain/core/chat_history";
import { AIMessage, type BaseMessage, HumanMessage } from "@langchain/core/messages";
import { StringOutputParser } from "@langchain/core/output_parsers";
import { ChatPromptTemplate, MessagesPlaceholder } from "@langchain/core/prompts";
import { type RunnableConfig, RunnableLambda, RunnableSequence, RunnableWithMessageHistory } from "@langchain/core/runnables";
import { tool } from "@langchain/core/tools";
import { ChatOpenAI } from "@langchain/openai";
import { type ChatRequest, type OpenAIServer, promptTokens, startOpenAIServer } from "@tokenledger/openai-server";
import { createAgent } from "langchain";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod/v3";
import { contextWindowMiddleware } from "../middleware/index.js";
import { internalSizes } from "./ledger-internals.js";
import { TokenLedgerHandler } from "./token-ledger-handler.js";

// Every topology is run with the caller's own runId; the expected numbers are the test server's:
// how many requests it received during the run and the prompt tokens it reported for each.

let server: OpenAIServer;

/** Calls the lookup tool when the user asks to look something up, then answers from its result. */
const reply = (request: ChatRequest) => {
  const last = request.messages.at(-1)!;
  if (last.role === "user" && String(last.content).startsWith("Look up") && request.tools?.length) {
    return { toolCalls: [{ name: "lookup", arguments: JSON.stringify({ word: "context" }) }] };
  }
  return { content: `Answer to: ${String(last.content).slice(0, 30)}` };
};

beforeAll(async () => {
  server = await startOpenAIServer({ reply });
});
afterAll(() => server.close());

const chat = (model = "gpt-4o-mini") =>
  new ChatOpenAI({ model, apiKey: "test", maxRetries: 0, configuration: { baseURL: server.baseURL } });

/** Runs `fn` and returns what the server saw meanwhile: requests and the prompt tokens it reported. */
async function observed<T>(fn: () => Promise<T>): Promise<{ result: T; requests: number; inputTokens: number }> {
  const before = server.requests.length;
  const result = await fn();
  const sent = server.requests.slice(before);
  return { result, requests: sent.length, inputTokens: sent.reduce((sum, r) => sum + promptTokens(r.model, r.messages, r.tools), 0) };
}

function expectTrace(ledger: TokenLedgerHandler, runId: string, seen: { requests: number; inputTokens: number }) {
  expect(seen.requests).toBeGreaterThan(0);
  const trace = ledger.getTrace(runId);
  expect(trace).toBeDefined();
  expect(trace).toMatchObject({ rootRunId: runId, pending: 0, calls: seen.requests, inputTokens: seen.inputTokens, errors: 0 });
  expect(trace!.records.every((r) => r.rootRunId === runId && r.source === "provider")).toBe(true);
  expect(ledger.pendingCount).toBe(0);
  expect(ledger.traces().map((t) => t.rootRunId)).toEqual([runId]);
}

const prompt = ChatPromptTemplate.fromMessages([
  ["system", "Answer briefly."],
  ["human", "{question}"],
]);

describe("TokenLedgerHandler traces every topology under the runId the caller passed", () => {
  it("a model invoked directly", async () => {
    const ledger = new TokenLedgerHandler();
    const runId = randomUUID();
    const seen = await observed(() => chat().invoke("Hello", { callbacks: [ledger], runId }));
    expectTrace(ledger, runId, seen);
    expect(ledger.getRun(runId)).toMatchObject({ runId, rootRunId: runId });
  });

  it("prompt | model | parser", async () => {
    const ledger = new TokenLedgerHandler();
    const runId = randomUUID();
    const seen = await observed(() =>
      prompt
        .pipe(chat())
        .pipe(new StringOutputParser())
        .invoke({ question: "Why?" }, { callbacks: [ledger], runId }),
    );
    expectTrace(ledger, runId, seen);
    expect(ledger.records()[0]!.parentRunId).toBe(runId);
  });

  it("a RunnableLambda that calls two models with its config", async () => {
    const ledger = new TokenLedgerHandler();
    const runId = randomUUID();
    const twice = RunnableLambda.from(async (question: string, config?: RunnableConfig) => {
      const first = await chat().invoke(question, config);
      return chat("gpt-4o").invoke(`Again: ${first.content}`, config);
    });
    const seen = await observed(() => twice.invoke("Why is the sky blue?", { callbacks: [ledger], runId }));
    expectTrace(ledger, runId, seen);
    expect(seen.requests).toBe(2);
    expect(ledger.getTrace(runId)!.records.map((r) => r.model)).toEqual(["gpt-4o-mini", "gpt-4o"]);
  });

  it("a named RunnableSequence (withConfig({ runName }))", async () => {
    const ledger = new TokenLedgerHandler();
    const runId = randomUUID();
    const followUp = RunnableLambda.from((answer: string) => [new HumanMessage(`Say it again: ${answer}`)]);
    const sequence = RunnableSequence.from([
      prompt,
      chat(),
      new StringOutputParser(),
      followUp,
      chat("gpt-4o"),
      new StringOutputParser(),
    ]).withConfig({
      runName: "AnswerTwice",
    });
    const seen = await observed(() => sequence.invoke({ question: "Why is the sky blue?" }, { callbacks: [ledger], runId }));
    expectTrace(ledger, runId, seen);
    expect(seen.requests).toBe(2);
    expect(ledger.records().every((r) => r.parentRunId === runId)).toBe(true);
    expect(Object.keys(ledger.totalsByModel()).sort()).toEqual(["gpt-4o", "gpt-4o-mini"]);
    expect(internalSizes(ledger)).toEqual({ inflight: 0, lineage: 0 });
  });

  it("RunnableWithMessageHistory", async () => {
    const ledger = new TokenLedgerHandler();
    const histories = new Map<string, InMemoryChatMessageHistory>();
    const withHistory = new RunnableWithMessageHistory({
      runnable: ChatPromptTemplate.fromMessages([new MessagesPlaceholder("history"), ["human", "{input}"]]).pipe(chat()),
      getMessageHistory: (sessionId: string) => {
        if (!histories.has(sessionId)) histories.set(sessionId, new InMemoryChatMessageHistory());
        return histories.get(sessionId)!;
      },
      inputMessagesKey: "input",
      historyMessagesKey: "history",
    });
    for (const input of ["My name is Ada.", "What is my name?"]) {
      const runId = randomUUID();
      const seen = await observed(() => withHistory.invoke({ input }, { callbacks: [ledger], runId, configurable: { sessionId: "s1" } }));
      expect(ledger.getTrace(runId)).toMatchObject({ rootRunId: runId, pending: 0, calls: seen.requests, inputTokens: seen.inputTokens });
      expect(seen.requests).toBe(1);
    }
    expect(ledger.traces()).toHaveLength(2);
    expect(ledger.pendingCount).toBe(0);
  });

  it("batch, each input under its own runId", async () => {
    const ledger = new TokenLedgerHandler();
    const runIds = [randomUUID(), randomUUID(), randomUUID()];
    const chain = prompt.pipe(chat());
    const seen = await observed(() =>
      chain.batch(
        ["one", "two two", "three three three"].map((question) => ({ question })),
        runIds.map((runId) => ({ callbacks: [ledger], runId })),
      ),
    );
    expect(seen.requests).toBe(3);
    const traces = runIds.map((id) => ledger.getTrace(id)!);
    expect(traces.map((t) => [t.calls, t.pending])).toEqual([
      [1, 0],
      [1, 0],
      [1, 0],
    ]);
    expect(traces.reduce((sum, t) => sum + t.inputTokens, 0)).toBe(seen.inputTokens);
    expect(ledger.pendingCount).toBe(0);
  });

  it("stream of a chain", async () => {
    const ledger = new TokenLedgerHandler();
    const runId = randomUUID();
    const seen = await observed(async () => {
      let text = "";
      for await (const chunk of await prompt
        .pipe(chat())
        .pipe(new StringOutputParser())
        .stream({ question: "Stream it" }, { callbacks: [ledger], runId })) {
        text += chunk;
      }
      return text;
    });
    expectTrace(ledger, runId, seen);
  });

  it("a tool that calls a model", async () => {
    const ledger = new TokenLedgerHandler();
    const runId = randomUUID();
    const summarize = tool(async ({ text }, config) => String((await chat().invoke(`Summarize: ${text}`, config)).content), {
      name: "summarize",
      description: "Summarize a text.",
      schema: z.object({ text: z.string() }),
    });
    const seen = await observed(() => summarize.invoke({ text: "a long text" }, { callbacks: [ledger], runId }));
    expectTrace(ledger, runId, seen);
    expect(ledger.records()[0]!.parentRunId).toBe(runId);
  });

  const lookup = tool(async ({ word }) => `"${word}" means the words around a word.`, {
    name: "lookup",
    description: "Look a word up.",
    schema: z.object({ word: z.string() }),
  });

  it("createAgent with a tool loop (LangGraph nodes)", async () => {
    const ledger = new TokenLedgerHandler();
    const runId = randomUUID();
    const agent = createAgent({ model: chat(), tools: [lookup] });
    const seen = await observed(() => agent.invoke({ messages: [new HumanMessage("Look up context")] }, { callbacks: [ledger], runId }));
    expect(seen.requests).toBe(2);
    expect((seen.result.messages as BaseMessage[]).at(-1)).toBeInstanceOf(AIMessage);
    expectTrace(ledger, runId, seen);
    expect(internalSizes(ledger)).toEqual({ inflight: 0, lineage: 0 });
  });

  it("createAgent with contextWindowMiddleware", async () => {
    const ledger = new TokenLedgerHandler();
    const runId = randomUUID();
    const agent = createAgent({ model: chat(), tools: [lookup], middleware: [contextWindowMiddleware({ maxTokens: 2000 })] });
    const seen = await observed(() => agent.invoke({ messages: [new HumanMessage("Look up context")] }, { callbacks: [ledger], runId }));
    expect(seen.requests).toBe(2);
    expectTrace(ledger, runId, seen);
    const state = seen.result as { threadInputTokens: number; threadOutputTokens: number };
    expect(state.threadInputTokens).toBe(seen.inputTokens);
    expect(state.threadOutputTokens).toBe(ledger.getTrace(runId)!.outputTokens);
  });

  it("without a runId: traces()[0] is what just ran, and each record names its root", async () => {
    const ledger = new TokenLedgerHandler();
    await prompt.pipe(chat()).invoke({ question: "first" }, { callbacks: [ledger] });
    const seen = await observed(() => prompt.pipe(chat()).invoke({ question: "second" }, { callbacks: [ledger] }));
    const [latest, earlier] = ledger.traces();
    expect(latest).toMatchObject({ calls: 1, pending: 0, inputTokens: seen.inputTokens });
    expect(ledger.records().at(-1)!.rootRunId).toBe(latest!.rootRunId);
    expect(earlier!.rootRunId).toBe(ledger.records()[0]!.rootRunId);
  });
});
