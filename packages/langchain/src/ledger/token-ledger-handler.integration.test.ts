import { InMemoryCache } from "@langchain/core/caches";
import { AIMessage, type BaseMessage, HumanMessage, SystemMessage } from "@langchain/core/messages";
import { ChatOpenAI } from "@langchain/openai";
import { countTokens, loadEncoding } from "@tokenledger/core";
import {
  llama3Prompt,
  llama3TextTokens,
  type OpenAIServer,
  promptTokens,
  startOpenAIServer,
  toVllmMessages,
  type Usage,
} from "@tokenledger/openai-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { internalSizes } from "./ledger-internals.js";
import { TokenLedgerHandler } from "./token-ledger-handler.js";

let server: OpenAIServer;
let slowServer: OpenAIServer;
let failingServer: OpenAIServer;

beforeAll(async () => {
  server = await startOpenAIServer();
  slowServer = await startOpenAIServer({
    chunkDelayMs: 20,
    reply: () => ({ content: "one two three four five six seven eight nine ten" }),
  });
  failingServer = await startOpenAIServer({
    fail: () => ({ status: 500, message: "The server had an error while processing your request." }),
  });
});

afterAll(async () => {
  await Promise.all([server.close(), slowServer.close(), failingServer.close()]);
});

const chat = (fields: Record<string, unknown> = {}, at = server) =>
  new ChatOpenAI({ model: "gpt-4o-mini", apiKey: "test", maxRetries: 0, configuration: { baseURL: at.baseURL }, ...fields });

const history = [
  new SystemMessage("You are a terse assistant."),
  new HumanMessage("What is the capital of France?"),
  new AIMessage("Paris."),
  new HumanMessage("用中文说一遍。"),
];

/** Picodollars per token of gpt-4o-mini's default price: $0.15 and $0.60 per million. */
const miniCost = (input: number, output: number) => (input * 150_000 + output * 600_000) / 1e12;

describe("TokenLedgerHandler with the real ChatOpenAI over HTTP", () => {
  it("records a non-streaming call with the provider's usage, our estimate, context and cost", async () => {
    const ledger = new TokenLedgerHandler();
    const result = await chat({ temperature: 0.2, maxTokens: 200 }).invoke(history, { callbacks: [ledger] });
    expect(ledger.pendingCount).toBe(0);
    const [record] = ledger.records();
    const request = server.requests.at(-1)!;
    const reported = result.usage_metadata!;
    expect(record).toMatchObject({
      model: "gpt-4o-mini",
      responseModel: "gpt-4o-mini",
      provider: "openai",
      status: "ok",
      source: "provider",
      inputTokens: reported.input_tokens,
      outputTokens: reported.output_tokens,
      totalTokens: reported.total_tokens,
      estimatedInputTokens: promptTokens("gpt-4o-mini", request.messages),
      invocationParams: { maxTokens: 200, temperature: 0.2, toolsCount: 0 },
      cached: false,
      flags: [],
    });
    expect(record!.inputTokens).toBe(promptTokens("gpt-4o-mini", request.messages));
    const contextOnly = promptTokens("gpt-4o-mini", request.messages.slice(0, 3)) - 3;
    expect(record!.contextTokens).toBe(contextOnly);
    expect(record!.costUsd).toBe(miniCost(record!.inputTokens, record!.outputTokens));
    expect(record!.rootRunId).toBe(record!.runId);
    expect(ledger.totals()).toMatchObject({ calls: 1, inputTokens: record!.inputTokens, outputTokens: record!.outputTokens, errors: 0 });
  });

  it("counts tool definitions in the estimate exactly as the server does", async () => {
    const ledger = new TokenLedgerHandler();
    const weather = {
      type: "function" as const,
      function: {
        name: "get_current_weather",
        description: "Get the current weather in a given location",
        parameters: {
          type: "object",
          properties: {
            location: { type: "string", description: "The city and state, e.g. San Francisco, CA" },
            unit: { type: "string", enum: ["celsius", "fahrenheit"] },
          },
          required: ["location"],
        },
      },
    };
    await chat()
      .bindTools([weather])
      .invoke("What's the weather like in Paris?", { callbacks: [ledger] });
    const record = ledger.records()[0]!;
    const request = server.requests.at(-1)!;
    expect(record.invocationParams.toolsCount).toBe(1);
    expect(record.estimatedInputTokens).toBe(promptTokens("gpt-4o-mini", request.messages, request.tools));
    expect(record.inputTokens).toBe(record.estimatedInputTokens);
  });

  it("takes usage from a stream that includes it", async () => {
    const ledger = new TokenLedgerHandler();
    let text = "";
    for await (const chunk of await chat().stream(history, { callbacks: [ledger] })) text += chunk.content;
    const record = ledger.records()[0]!;
    expect(record.source).toBe("provider");
    expect(record.reported?.from).toBe("usage_metadata");
    expect(record.outputTokens).toBe(countTokens(text, { model: "gpt-4o-mini" }));
    expect(record.inputTokens).toBe(record.estimatedInputTokens);
  });

  it("counts the output locally when a stream carries no usage", async () => {
    const ledger = new TokenLedgerHandler();
    let text = "";
    for await (const chunk of await chat({ streamUsage: false }).stream(history, { callbacks: [ledger] })) text += chunk.content;
    const record = ledger.records()[0]!;
    expect(record.source).toBe("local");
    expect(record.reported).toBeUndefined();
    expect(record.outputTokens).toBe(countTokens(text, { model: "gpt-4o-mini" }));
    expect(record.inputTokens).toBe(promptTokens("gpt-4o-mini", server.requests.at(-1)!.messages));
  });

  // Not driven through ChatOpenAI: its `streaming: true` path without usage downloads a tokenizer from tiktoken.pages.dev to make this estimate.
  it("marks a provider's own estimate (llmOutput.estimatedTokenUsage) as provider-estimate", () => {
    const ledger = new TokenLedgerHandler();
    const llm = { lc: 1, type: "not_implemented" as const, id: ["ChatOpenAI"] };
    ledger.handleChatModelStart(llm, [[new HumanMessage("Hello there")]], "e-1", undefined, {
      invocation_params: { model: "gpt-4o-mini" },
    });
    ledger.handleLLMEnd(
      { generations: [[{ text: "Hi" }]], llmOutput: { estimatedTokenUsage: { promptTokens: 12, completionTokens: 7, totalTokens: 19 } } },
      "e-1",
    );
    expect(ledger.getRun("e-1")).toMatchObject({ source: "provider-estimate", inputTokens: 12, outputTokens: 7, estimatedInputTokens: 9 });
    expect(ledger.getRun("e-1")!.reported?.from).toBe("estimatedTokenUsage");
  });

  it("ends a run that failed with a 500 cleanly and does not throw into the chain beyond the model's own error", async () => {
    const ledger = new TokenLedgerHandler();
    await expect(chat({}, failingServer).invoke("Hi", { callbacks: [ledger] })).rejects.toThrow(/server had an error/);
    const record = ledger.records()[0]!;
    expect(record).toMatchObject({ status: "error", inputTokens: 0, outputTokens: 0, source: "local" });
    expect(record.error).toMatch(/server had an error/);
    expect(record.estimatedInputTokens).toBe(8);
    expect(ledger.pendingCount).toBe(0);
    expect(ledger.totals()).toMatchObject({ calls: 1, errors: 1 });
  });

  it("records what an aborted stream produced", async () => {
    const ledger = new TokenLedgerHandler();
    const controller = new AbortController();
    let text = "";
    let beforeLastChunk = "";
    await expect(async () => {
      for await (const chunk of await chat({}, slowServer).stream("Count to ten", { callbacks: [ledger], signal: controller.signal })) {
        beforeLastChunk = text;
        text += chunk.content;
        if (text.includes("three")) controller.abort();
      }
    }).rejects.toThrow();
    expect(ledger.pendingCount).toBe(0);
    const record = ledger.records()[0]!;
    expect(record.status).toBe("error");
    expect(record.flags).toContain("aborted");
    expect(record.source).toBe("local");
    // ChatOpenAI reports each chunk to callbacks after the consumer has read it, so the chunk read when aborting is never reported.
    expect(record.outputTokens).toBe(countTokens(beforeLastChunk, { model: "gpt-4o-mini" }));
    expect(record.outputTokens).toBeGreaterThan(0);
    expect(record.inputTokens).toBe(record.estimatedInputTokens);
  });

  it("keeps each prompt of batch() as its own run and trace", async () => {
    const ledger = new TokenLedgerHandler();
    await chat().batch(["one", "two two", "three three three"], { callbacks: [ledger] });
    const records = ledger.records();
    expect(records).toHaveLength(3);
    expect(new Set(records.map((r) => r.rootRunId)).size).toBe(3);
    expect(records.map((r) => r.inputTokens).sort((a, b) => a - b)).toEqual([8, 9, 10]);
  });

  it("records a cache hit as a call that sent nothing", async () => {
    const ledger = new TokenLedgerHandler();
    const model = chat({ cache: new InMemoryCache() });
    await model.invoke("cache me", { callbacks: [ledger] });
    await model.invoke("cache me", { callbacks: [ledger] });
    const [first, second] = ledger.records();
    expect(first!.cached).toBe(false);
    expect(second).toMatchObject({ cached: true, inputTokens: 0, outputTokens: 0, status: "ok", estimatedInputTokens: first!.inputTokens });
    expect(second!.flags).toContain("cached");
    expect(ledger.pendingCount).toBe(0);
  });
});

describe("TokenLedgerHandler under load", () => {
  it("keeps 1,000 concurrent invocations through one handler separate and exact", async () => {
    const usage = (request: { messages: Array<{ content?: unknown }> }): Usage => {
      const n = Number(String(request.messages.at(-1)?.content).replace(/\D/g, ""));
      return {
        prompt_tokens: 1000 + n,
        completion_tokens: n % 97,
        total_tokens: 1000 + n + (n % 97),
        prompt_tokens_details: { cached_tokens: n % 3 === 0 ? 512 : 0 },
      };
    };
    const loadServer = await startOpenAIServer({ usage });
    try {
      const ledger = new TokenLedgerHandler({ maxRecords: 100 });
      const model = chat({}, loadServer);
      const n = 1000;
      const results = await Promise.all(Array.from({ length: n }, (_, i) => model.invoke(`request ${i}`, { callbacks: [ledger] })));
      expect(results).toHaveLength(n);
      expect(ledger.pendingCount).toBe(0);
      expect(internalSizes(ledger)).toEqual({ inflight: 0, lineage: 0 });
      expect(ledger.records()).toHaveLength(100);
      for (const record of ledger.records()) {
        const i = record.inputTokens - 1000;
        expect(record.outputTokens).toBe(i % 97);
        expect(record.reported?.cacheReadTokens).toBe(i % 3 === 0 ? 512 : 0);
      }
      const input = Array.from({ length: n }, (_, i) => 1000 + i).reduce((a, b) => a + b, 0);
      const output = Array.from({ length: n }, (_, i) => i % 97).reduce((a, b) => a + b, 0);
      const cachedCalls = Array.from({ length: n }, (_, i) => i).filter((i) => i % 3 === 0).length;
      const totals = ledger.totals();
      expect(totals).toMatchObject({
        calls: n,
        errors: 0,
        inputTokens: input,
        outputTokens: output,
        totalTokens: input + output,
        cachedInputTokens: cachedCalls * 512,
      });
      const pico = (input - cachedCalls * 512) * 150_000 + cachedCalls * 512 * 75_000 + output * 600_000;
      expect(totals.costUsd).toBe(pico / 1e12);
    } finally {
      await loadServer.close();
    }
  });
});

describe("TokenLedgerHandler on a long chat with a model's own chat template", () => {
  it("counts a 1,000-message Llama 3.1 chat as vLLM does, context included, in time linear in its length", async () => {
    await loadEncoding("llama3_1");
    const vllm = await startOpenAIServer({ counting: "llama3" });
    try {
      const model = "meta-llama/Llama-3.1-8B-Instruct";
      const messages: BaseMessage[] = [new SystemMessage("You answer about towns.")];
      for (let i = 0; i < 1_000; i++)
        messages.push(i % 2 ? new AIMessage(`Town ${i} has ${i * 7} people, 天气${i % 10}度.`) : new HumanMessage(`And town ${i}?`));
      messages.push(new HumanMessage("Which one is largest?"));
      /** Time spent in the ledger's start handler, where the prompt is counted. */
      class TimedLedger extends TokenLedgerHandler {
        startMs = 0;
        override handleChatModelStart(...args: Parameters<TokenLedgerHandler["handleChatModelStart"]>): void {
          const start = performance.now();
          super.handleChatModelStart(...args);
          this.startMs += performance.now() - start;
        }
      }
      const ledger = new TimedLedger();
      await chat({ model }, vllm).invoke(messages, { callbacks: [ledger] });
      const [record] = ledger.records();
      const sent = toVllmMessages(vllm.requests.at(-1)!.messages);
      expect(record).toMatchObject({ source: "provider", flags: [] });
      expect(record!.estimatedInputTokens).toBe(record!.inputTokens);
      // The context: everything before the newest user turn, rendered alone by the reference.
      expect(record!.contextTokens).toBe(llama3TextTokens(llama3Prompt(sent.slice(0, -1), undefined, false)));
      // Rendering each of 1,001 prefixes took seconds here; two renders take a fraction of one.
      expect(ledger.startMs).toBeLessThan(1_500);
    } finally {
      await vllm.close();
    }
  });
});
