import { randomUUID } from "node:crypto";
import { ChatAnthropic } from "@langchain/anthropic";
import { AIMessage, type BaseMessage, HumanMessage, SystemMessage } from "@langchain/core/messages";
import { ChatOpenAI } from "@langchain/openai";
import { type ChatRequest, type Refusal, type Reply, startAnthropicServer, startOpenAIServer } from "@tokenledger/openai-server";
import { createAgent } from "langchain";
import { describe, expect, it } from "vitest";
import { TokenCalibration } from "../calibration/index.js";
import { TokenLedgerHandler } from "../ledger/index.js";
import { contextWindowMiddleware } from "../middleware/index.js";
import { createHistoryTrimmer } from "../trim/index.js";
import { ContextWindowExceededError } from "./context-window-exceeded-error.js";

const WINDOW = 1000;
const MAX_OUTPUT = 100;
const SYSTEM = "You are a concise travel assistant. Answer in the user's language.";

/** English first, then Chinese: the chat changes language halfway. */
const turn = (i: number, turns: number) =>
  i < turns / 2
    ? `Turn ${i}: what should I see in the old town, and how long does it take on foot from the station?`
    : `第${i}轮：请推荐三家当地的餐厅，并说明每家的特色菜、营业时间和大概价格。`;

/** Language-matching answers, long enough that the history outgrows the window within a few turns. */
function reply(request: ChatRequest): Reply {
  const last = request.messages.at(-1)!;
  const text = typeof last.content === "string" ? last.content : (last.content ?? []).map((p) => p.text ?? "").join("");
  return /[\u4e00-\u9fff]/.test(text)
    ? { content: `关于"${text.slice(0, 12)}"：建议提前在网上订票，避开周末高峰，早上九点前到达，并留出足够时间慢慢参观和休息。` }
    : {
        content: `About "${text.slice(0, 30)}": book ahead online, avoid weekend peaks, arrive before nine, and leave time for slow walks.`,
      };
}

const claudeAt = (baseURL: string) =>
  new ChatAnthropic({ model: "claude-sonnet-4-5", apiKey: "test", anthropicApiUrl: baseURL, maxRetries: 0, maxTokens: MAX_OUTPUT });

describe("recovering from a context-length refusal, real ChatAnthropic against a server counting with Llama 3's tokenizer", () => {
  for (const refusal of ["context-limit", "prompt-too-long"] as const) {
    it(`createHistoryTrimmer with the model: every turn answered; a refusal (${refusal}) is learned and retried once, in one trace`, async () => {
      const server = await startAnthropicServer({ reply, contextWindow: WINDOW, refusal });
      try {
        const ledger = new TokenLedgerHandler();
        // No prior margin and not attached to the ledger: the calibration learns from refusals alone.
        const calibration = new TokenCalibration({ priorFactor: 1 });
        const chat = createHistoryTrimmer(
          { model: "claude-sonnet-4-5", maxTokens: WINDOW - MAX_OUTPUT, includeSystem: true, calibration },
          claudeAt(server.baseURL),
        );
        const turns = 40;
        let history: BaseMessage[] = [];
        let retried = 0;
        for (let i = 0; i < turns; i++) {
          const input = new HumanMessage(turn(i, turns));
          const runId = randomUUID();
          const sentBefore = server.requests.length;
          const answer = (await chat.invoke([new SystemMessage(SYSTEM), ...history, input], { callbacks: [ledger], runId })) as AIMessage;
          expect(String(answer.content)).not.toBe("");
          history = [...history, input, answer];
          const calls = server.requests.length - sentBefore;
          const trace = ledger.getTrace(runId)!;
          expect(trace.records).toHaveLength(calls);
          if (calls === 2) {
            retried++;
            // The refused attempt and the retry: two runs of one trace, the retry smaller.
            expect(trace.records.map((r) => r.status)).toEqual(["error", "ok"]);
            const [refused, retry] = server.requests.slice(sentBefore);
            expect(retry!.messages.length).toBeLessThan(refused!.messages.length);
          } else expect(calls).toBe(1);
        }
        expect(retried).toBeGreaterThan(0);
        // Retries stop once the calibration learned the ratio: each refusal was an observation.
        const stats = calibration.stats("claude-sonnet-4-5")!;
        expect(stats.samples).toBe(retried);
        expect(stats.maxRatio).toBeGreaterThan(1);
        expect(retried).toBeLessThanOrEqual(3);
        for (const usage of server.usages) expect(usage.input_tokens + MAX_OUTPUT).toBeLessThanOrEqual(WINDOW);
      } finally {
        await server.close();
      }
    });
  }

  it("contextWindowMiddleware in createAgent: zero failed turns, each refusal retried once in the same trace", async () => {
    const server = await startAnthropicServer({ reply, contextWindow: WINDOW });
    try {
      const ledger = new TokenLedgerHandler();
      const calibration = new TokenCalibration({ priorFactor: 1 });
      const agent = createAgent({
        model: claudeAt(server.baseURL),
        systemPrompt: SYSTEM,
        middleware: [contextWindowMiddleware({ maxTokens: WINDOW - MAX_OUTPUT, calibration })],
      });
      const turns = 30;
      let messages: BaseMessage[] = [];
      let retried = 0;
      for (let i = 0; i < turns; i++) {
        const runId = randomUUID();
        const before = server.requests.length;
        const result = await agent.invoke({ messages: [...messages, new HumanMessage(turn(i, turns))] }, { callbacks: [ledger], runId });
        messages = result.messages;
        expect(messages.at(-1)).toBeInstanceOf(AIMessage);
        const calls = server.requests.length - before;
        const records = ledger.getTrace(runId)!.records;
        expect(records).toHaveLength(calls);
        if (calls === 2) {
          retried++;
          expect(records.map((r) => r.status)).toEqual(["error", "ok"]);
        }
      }
      expect(messages).toHaveLength(turns * 2);
      expect(retried).toBeGreaterThan(0);
      expect(calibration.stats("claude-sonnet-4-5")!.samples).toBeGreaterThanOrEqual(retried);
    } finally {
      await server.close();
    }
  });
});

describe("where the retry cannot fit", () => {
  it("contextWindowMiddleware raises ContextWindowExceededError itself (not wrapped by the agent), with the sizes", async () => {
    const server = await startOpenAIServer({ contextWindow: 300 });
    try {
      const agent = createAgent({
        model: new ChatOpenAI({
          model: "gpt-4o-mini",
          apiKey: "test",
          maxRetries: 0,
          maxTokens: 100,
          configuration: { baseURL: server.baseURL },
        }),
        systemPrompt: `You are a railway assistant. ${"Always check the timetable, the platform and the delays first. ".repeat(20)}`,
        // A budget the window cannot hold: the system prompt alone is over what the window leaves.
        middleware: [contextWindowMiddleware({ maxTokens: 2000 })],
      });
      const error = await agent.invoke({ messages: [new HumanMessage("When is the next train?")] }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ContextWindowExceededError);
      expect(error).toMatchObject({ maxTokens: 300, model: "gpt-4o-mini", outputTokens: 100 });
      expect((error as ContextWindowExceededError).requestedTokens).toBeGreaterThan(300);
      expect(server.requests).toHaveLength(1);
    } finally {
      await server.close();
    }
  });
});

describe("recovering from each server's refusal, real ChatOpenAI against the local server", () => {
  const cases: Array<{ refusal: Refusal; recovers: boolean }> = [
    { refusal: "openai", recovers: true },
    { refusal: "vllm", recovers: true },
    { refusal: "tgi", recovers: true },
    { refusal: "llama.cpp", recovers: true },
    { refusal: "google", recovers: true },
    { refusal: "ollama", recovers: true },
  ];
  for (const { refusal, recovers } of cases) {
    it(`reads ${refusal}'s refusal and retries with a budget that fits${recovers ? "" : " (no sizes stated: a blind retry, then a clear error)"}`, async () => {
      const server = await startOpenAIServer({ contextWindow: 600, refusal });
      try {
        const model = new ChatOpenAI({
          model: "gpt-4o-mini",
          apiKey: "test",
          maxRetries: 0,
          maxTokens: 100,
          configuration: { baseURL: server.baseURL },
        });
        // A budget larger than the window allows (the user counted the window without the reply).
        const chat = createHistoryTrimmer({ model: "gpt-4o-mini", maxTokens: 1200 }, model);
        const history = Array.from({ length: 60 }, (_, i) =>
          i % 2 ? new AIMessage(`answer ${i} with a few more words`) : new HumanMessage(`question ${i} about trains`),
        );
        const run = chat.invoke([...history, new HumanMessage("And the last train?")]);
        if (recovers) {
          await expect(run).resolves.toBeInstanceOf(AIMessage);
          expect(server.requests).toHaveLength(2);
          // Without a calibration, the trimmer keeps the budget that fit: the next call is not refused.
          await chat.invoke([...history, new HumanMessage("And the first train?")]);
          expect(server.requests).toHaveLength(3);
        } else {
          const error = await run.catch((e: unknown) => e);
          expect(error).toBeInstanceOf(ContextWindowExceededError);
          expect(error).toMatchObject({ retried: true, model: "gpt-4o-mini" });
          expect(server.requests).toHaveLength(2);
          expect(server.requests[1]!.messages.length).toBeLessThan(server.requests[0]!.messages.length);
        }
      } finally {
        await server.close();
      }
    });
  }
});
