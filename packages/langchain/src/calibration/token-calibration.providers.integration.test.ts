import { ChatAnthropic } from "@langchain/anthropic";
import { InMemoryChatMessageHistory } from "@langchain/core/chat_history";
import { type AIMessageChunk, type BaseMessage, HumanMessage, SystemMessage, ToolMessage } from "@langchain/core/messages";
import { ChatOpenAI } from "@langchain/openai";
import { loadEncoding } from "@tokenledger/core";
import {
  type AnthropicServer,
  type ChatRequest,
  type OpenAIServer,
  type Reply,
  startAnthropicServer,
  startOpenAIServer,
  type Usage,
} from "@tokenledger/openai-server";
import { createAgent } from "langchain";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TokenLedgerHandler } from "../ledger/index.js";
import { contextWindowMiddleware } from "../middleware/index.js";
import { createHistoryTrimmer, TrimmedChatMessageHistory } from "../trim/index.js";
import { TokenCalibration } from "./token-calibration.js";

const WINDOW = 900;
const MAX_OUTPUT = 100;
const SYSTEM = "You are a concise travel assistant. Answer in the user's language.";
const WEATHER = {
  type: "function" as const,
  function: {
    name: "get_weather",
    description: "Get the current weather in a city",
    parameters: { type: "object", properties: { city: { type: "string", description: "The city" } }, required: ["city"] },
  },
};

/** Turns in English, Chinese, code and numbers: text on which Llama 3's tokenizer and o200k disagree unevenly. */
const TURN_KINDS = [
  (i: number) => `Turn ${i}: what should I see in the old town, and how long does it take on foot?`,
  (i: number) => `第${i}轮：请推荐三家当地的餐厅，并说明每家的特色菜和大概价格。`,
  (i: number) => `Turn ${i}: parse this for me: {"trip":{"day":${i},"stops":["Paris","Amsterdam","Berlin"],"budget_eur":${i * 37}}}`,
  (i: number) => `Turn ${i}: the train numbers are ${[1, 2, 3, 4].map((k) => (i * 7919 * k) % 100_000).join(", ")}; which is fastest?`,
  (i: number) => `第${i}轮：柏林的博物馆岛值得去吗？需要提前预订门票吗？`,
];
const turn = (i: number) => TURN_KINDS[i % TURN_KINDS.length]!(i);

/** Long, language-matching answers, so that the history outgrows the window within a few turns. */
function reply(request: ChatRequest): Reply {
  const last = request.messages.at(-1)!;
  if (last.role === "tool") return { content: `The weather service says: ${String(last.content)}. Bring a light jacket.` };
  const text = typeof last.content === "string" ? last.content : (last.content ?? []).map((p) => p.text ?? "").join("");
  if (request.tools?.length && /weather/i.test(text))
    return { toolCalls: [{ name: "get_weather", arguments: JSON.stringify({ city: "Paris" }) }] };
  return /[\u4e00-\u9fff]/.test(text)
    ? { content: `关于"${text.slice(0, 16)}"：建议提前在网上订票，避开周末高峰，早上九点前到达，并留出足够时间慢慢参观和休息。` }
    : {
        content: `About "${text.slice(0, 40)}": book ahead online, avoid weekend peaks, arrive before nine, and leave time for slow walks.`,
      };
}

const overflow = (error: unknown) => /exceed context limit|maximum context length/.test(String((error as Error)?.message ?? error));

/** A real ChatOpenAI pointed at the local vLLM-style server that counts with Llama 3.1's template. */
const llamaAt = (baseURL: string) =>
  new ChatOpenAI({ model: "llama3.1-8b", apiKey: "test", maxRetries: 0, maxTokens: MAX_OUTPUT, configuration: { baseURL } });

/** A real ChatAnthropic pointed at a local Anthropic-compatible server. */
const claudeAt = (baseURL: string, streaming = false) =>
  new ChatAnthropic({
    model: "claude-sonnet-4-5",
    apiKey: "test",
    anthropicApiUrl: baseURL,
    maxRetries: 0,
    maxTokens: MAX_OUTPUT,
    streaming,
  });

describe("ChatAnthropic against the local Anthropic-compatible Messages server", () => {
  let server: AnthropicServer;
  beforeAll(async () => {
    server = await startAnthropicServer({ reply });
  });
  afterAll(() => server.close());
  const claude = (streaming: boolean) => claudeAt(server.baseURL, streaming);

  it.each([false, true])("records exactly the usage the server reported (streaming: %s), tool calls included", async (streaming) => {
    const ledger = new TokenLedgerHandler();
    const model = claude(streaming).bindTools([WEATHER]);
    const before = server.usages.length;
    const history: BaseMessage[] = [new SystemMessage(SYSTEM), new HumanMessage("What's the weather like in Paris right now?")];
    const call = await model.invoke(history, { callbacks: [ledger] });
    expect(call.tool_calls?.[0]).toMatchObject({ name: "get_weather", args: { city: "Paris" } });
    history.push(call, new ToolMessage({ content: '{"temperature_c":14}', tool_call_id: call.tool_calls![0]!.id! }));
    const answer = await model.invoke(history, { callbacks: [ledger] });
    expect(String(answer.text)).toMatch(/weather service says/);

    const reported = server.usages.slice(before);
    const records = ledger.records();
    expect(records).toHaveLength(2);
    expect(reported).toHaveLength(2);
    for (const [i, record] of records.entries()) {
      expect(record.source).toBe("provider");
      expect(record.inputTokens).toBe(reported[i]!.input_tokens);
      expect(record.outputTokens).toBe(reported[i]!.output_tokens);
      expect(record.flags).toContain("approximate-count");
      expect(record.estimatedInputTokens).toBeGreaterThan(0);
    }
  });

  it("rejects a prompt over the window with a 400, as Anthropic does", async () => {
    const small = await startAnthropicServer({ contextWindow: 50 });
    try {
      const model = new ChatAnthropic({
        model: "claude-sonnet-4-5",
        apiKey: "test",
        anthropicApiUrl: small.baseURL,
        maxRetries: 0,
        maxTokens: 40,
      });
      await expect(model.invoke("A question that is long enough to go over a window of fifty tokens")).rejects.toMatchObject({
        status: 400,
      });
    } finally {
      await small.close();
    }
  });
});

describe("ChatOpenAI against the vLLM-style server counting with Llama 3.1's chat template", () => {
  let server: OpenAIServer;
  const reported: Usage[] = [];
  beforeAll(async () => {
    await loadEncoding("llama3_1");
    server = await startOpenAIServer({
      counting: "llama3",
      reply,
      usage: (_request, _reply, counted) => {
        reported.push(counted);
        return counted;
      },
    });
  });
  afterAll(() => server.close());

  // Streamed through .stream(): ChatOpenAI's `streaming: true` invoke path fetches a tokenizer over the network.
  it.each([false, true])("records exactly the usage the server reported, and estimated it exactly (streaming: %s)", async (streaming) => {
    const ledger = new TokenLedgerHandler();
    const model = llamaAt(server.baseURL).bindTools([WEATHER]);
    const send = async (messages: BaseMessage[]) => {
      if (!streaming) return (await model.invoke(messages, { callbacks: [ledger] })) as AIMessageChunk;
      let whole: AIMessageChunk | undefined;
      for await (const chunk of await model.stream(messages, { callbacks: [ledger] })) whole = whole ? whole.concat(chunk) : chunk;
      return whole!;
    };
    const before = reported.length;
    const history: BaseMessage[] = [new SystemMessage(SYSTEM), new HumanMessage("What's the weather like in Paris right now?")];
    const call = await send(history);
    expect(call.tool_calls?.[0]).toMatchObject({ name: "get_weather", args: { city: "Paris" } });
    history.push(call, new ToolMessage({ content: '{"temperature_c":14}', tool_call_id: call.tool_calls![0]!.id! }));
    await send(history);
    const records = ledger.records();
    expect(records).toHaveLength(2);
    for (const [i, record] of records.entries()) {
      expect(record.source).toBe("provider");
      expect(record.inputTokens).toBe(reported[before + i]!.prompt_tokens);
      expect(record.outputTokens).toBe(reported[before + i]!.completion_tokens);
      // Llama 3.1's tokenizer and template, tools and the tool call included: the estimate is the server's count.
      expect(record.estimatedInputTokens).toBe(reported[before + i]!.prompt_tokens);
      expect(record.flags).not.toContain("approximate-count");
    }
  });
});

interface ChatRun {
  calls: number;
  overflows: number;
  stats: ReturnType<TokenCalibration["stats"]>;
}

/** A long chat through prompt -> trimmer -> model, every call observed by the ledger; rejected calls are counted, not thrown. */
async function longChat(
  model: ChatAnthropic | ChatOpenAI,
  modelName: string,
  turns: number,
  calibration?: TokenCalibration,
): Promise<ChatRun> {
  const ledger = new TokenLedgerHandler();
  calibration?.attach(ledger);
  const store = new InMemoryChatMessageHistory();
  const trimmer = createHistoryTrimmer({
    model: modelName,
    maxTokens: WINDOW - MAX_OUTPUT,
    includeSystem: true,
    startOn: "human",
    calibration,
  });
  let overflows = 0;
  for (let i = 0; i < turns; i++) {
    await store.addMessage(new HumanMessage(turn(i)));
    const prompt = await trimmer.invoke([new SystemMessage(SYSTEM), ...(await store.getMessages())]);
    try {
      await store.addMessage(await model.invoke(prompt, { callbacks: [ledger] }));
    } catch (error) {
      if (!overflow(error)) throw error;
      overflows++;
    }
  }
  return { calls: turns, overflows, stats: calibration?.stats(modelName) };
}

describe("calibrated trimming against a tokenizer the client does not know", () => {
  const TURNS = 60;

  it("a claude-* model counted with Llama 3's tokenizer: zero overflows over a long chat, and the error after calibration", async () => {
    const server = await startAnthropicServer({ reply, contextWindow: WINDOW });
    try {
      const model = () => claudeAt(server.baseURL);
      const plain = await longChat(model(), "claude-sonnet-4-5", TURNS);
      expect(plain.overflows).toBeGreaterThan(0);

      const calibrated = await longChat(model(), "claude-sonnet-4-5", TURNS, new TokenCalibration());
      expect(calibrated.overflows).toBe(0);
      const stats = calibrated.stats!;
      expect(stats.seen).toBe(TURNS);
      expect(stats.calibratedError).toBeLessThan(stats.rawError);
      expect(stats.calibratedError).toBeLessThan(0.05);
      console.info(`claude-sonnet-4-5 (Llama 3 server): ${JSON.stringify(stats)}`);
    } finally {
      await server.close();
    }
  });

  it("llama3.1-8b on the vLLM-style server: counted exactly, TrimmedChatMessageHistory fills the window and never overflows, no calibration", async () => {
    await loadEncoding("llama3_1");
    const server = await startOpenAIServer({ reply, counting: "llama3", contextWindow: WINDOW });
    try {
      const ledger = new TokenLedgerHandler();
      const store = new InMemoryChatMessageHistory();
      const memory = new TrimmedChatMessageHistory(store, {
        model: "llama3.1-8b",
        maxTokens: WINDOW - MAX_OUTPUT,
        startOn: "human",
      });
      const model = llamaAt(server.baseURL);
      for (let i = 0; i < TURNS; i++) {
        await memory.addMessage(new HumanMessage(turn(i)));
        await memory.addMessage(await model.invoke(await memory.getMessages(), { callbacks: [ledger] }));
      }
      const records = ledger.records();
      expect(records).toHaveLength(TURNS);
      for (const record of records) expect(record.inputTokens + MAX_OUTPUT).toBeLessThanOrEqual(WINDOW);
      for (const record of records) expect(record.estimatedInputTokens).toBe(record.inputTokens);
      expect(Math.max(...records.map((r) => r.inputTokens))).toBeGreaterThan(WINDOW / 2);
    } finally {
      await server.close();
    }
  });

  it("contextWindowMiddleware with a calibration keeps every call of a createAgent thread inside the window", async () => {
    const server = await startAnthropicServer({ reply, contextWindow: WINDOW });
    try {
      const calibration = new TokenCalibration();
      const ledger = new TokenLedgerHandler();
      calibration.attach(ledger);
      const agent = createAgent({
        model: new ChatAnthropic({
          model: "claude-sonnet-4-5",
          apiKey: "test",
          anthropicApiUrl: server.baseURL,
          maxRetries: 0,
          maxTokens: MAX_OUTPUT,
        }),
        systemPrompt: SYSTEM,
        middleware: [contextWindowMiddleware({ maxTokens: WINDOW - MAX_OUTPUT, calibration })],
      });
      let messages: BaseMessage[] = [];
      for (let i = 0; i < 30; i++) {
        messages = (await agent.invoke({ messages: [...messages, new HumanMessage(turn(i))] }, { callbacks: [ledger] })).messages;
      }
      const calls = ledger.records();
      expect(calls).toHaveLength(30);
      for (const record of calls) expect(record.inputTokens + MAX_OUTPUT).toBeLessThanOrEqual(WINDOW);
      expect(Math.max(...calls.map((r) => r.inputTokens))).toBeGreaterThan(WINDOW / 2);
      expect(calibration.stats("claude-sonnet-4-5")!.seen).toBe(30);
      expect(messages.length).toBe(60);
    } finally {
      await server.close();
    }
  });
});
