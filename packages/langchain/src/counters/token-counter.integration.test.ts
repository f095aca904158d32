import { AIMessage, type BaseMessage, HumanMessage, SystemMessage, trimMessages } from "@langchain/core/messages";
import { tool } from "@langchain/core/tools";
import { ChatOpenAI } from "@langchain/openai";
import { loadEncoding } from "@tokenledger/core";
import { type ChatRequest, startOpenAIServer } from "@tokenledger/openai-server";
import { ClearToolUsesEdit, contextEditingMiddleware, countTokensApproximately, createAgent, summarizationMiddleware } from "langchain";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { z } from "zod/v3";
import { TrimError, trimHistory } from "../trim/index.js";
import { createTokenCounter, withTokenCounter } from "./token-counter.js";

const SUMMARY_MARK = "Context Extraction Assistant";
let server: Awaited<ReturnType<typeof startOpenAIServer>>;

const reply = (request: ChatRequest) => {
  const text = String(request.messages.at(-1)?.content ?? "");
  if (text.includes(SUMMARY_MARK)) return { content: "The user asked about museums." };
  if (request.tools?.length && request.messages.at(-1)?.role === "user") {
    return { toolCalls: [{ name: "lookup", arguments: JSON.stringify({ word: "博物馆" }) }] };
  }
  return { content: "好的，我明白了。" };
};

beforeAll(async () => {
  server = await startOpenAIServer({ reply });
});
afterAll(() => server.close());

const chat = (model = "gpt-4o-mini", at = server) =>
  new ChatOpenAI({ model, apiKey: "test", maxRetries: 0, configuration: { baseURL: at.baseURL } });

/** Chinese text: characters/4 undercounts it about fourfold. */
const history = (): BaseMessage[] => [
  new HumanMessage("你好！我想在巴黎待三天，有什么推荐的博物馆吗？"),
  new AIMessage("卢浮宫、奥赛博物馆和橘园美术馆都很值得一去，建议提前在网上订票。"),
  new HumanMessage("从机场到市中心最便宜的交通方式是什么？"),
  new AIMessage("坐RER B线火车最便宜，大约四十分钟到市中心。"),
  new HumanMessage("Which one should I visit first?"),
];

/** The prompt tokens the server reports for sending exactly these messages. */
async function reportedPromptTokens(messages: BaseMessage[], model = chat()): Promise<number> {
  const answer = await model.invoke(messages);
  return answer.usage_metadata!.input_tokens;
}

const summaryCalls = (from: number) =>
  server.requests.slice(from).filter((r) => r.messages.some((m) => String(m.content).includes(SUMMARY_MARK))).length;

describe("createTokenCounter", () => {
  it("counts what the server reports, from a name or a chat model, never through getNumTokens", async () => {
    const model = chat();
    const spy = vi.spyOn(model, "getNumTokens").mockRejectedValue(new Error("would download a tokenizer"));
    const messages = [new SystemMessage("You are terse."), ...history()];
    const expected = await reportedPromptTokens(messages);
    expect(createTokenCounter(model)(messages)).toBe(expected);
    expect(createTokenCounter("gpt-4o-mini")(messages)).toBe(expected);
    expect(createTokenCounter("openai:gpt-4o-mini")(messages)).toBe(expected);
    expect(spy).not.toHaveBeenCalled();
  });

  it("counts tools sent with the call when given them", async () => {
    const lookup = tool(async () => "", {
      name: "lookup",
      description: "Look a word up.",
      schema: z.object({ word: z.string().describe("The word") }),
    });
    const messages = history();
    const expected = (await chat().bindTools([lookup]).invoke(messages)).usage_metadata!.input_tokens;
    expect(createTokenCounter("gpt-4o-mini", { tools: [lookup] })(messages)).toBe(expected);
  });

  it("drops into @langchain/core's trimMessages: the result fits the budget by the server's count", async () => {
    const tokenCounter = createTokenCounter(chat());
    const messages = [new SystemMessage("You are terse."), ...history()];
    const maxTokens = 60;
    const kept = await trimMessages(messages, { maxTokens, tokenCounter, strategy: "last", includeSystem: true });
    expect(kept.length).toBeLessThan(messages.length);
    const reported = await reportedPromptTokens(kept);
    expect(reported).toBeLessThanOrEqual(maxTokens);
    const oneMore = messages.slice(messages.length - kept.length);
    expect(await reportedPromptTokens([messages[0]!, ...oneMore])).toBeGreaterThan(maxTokens);
  });

  it("counts a 1,000-message chat for a model with its own template as vLLM does, in time linear in its length", async () => {
    await loadEncoding("llama3_1");
    const vllm = await startOpenAIServer({ counting: "llama3" });
    try {
      const name = "meta-llama/Llama-3.1-8B-Instruct";
      const messages: BaseMessage[] = [new SystemMessage("You answer about towns.")];
      for (let i = 0; i < 1_000; i++)
        messages.push(i % 2 ? new AIMessage(`Town ${i} has ${i * 7} people.`) : new HumanMessage(`And town ${i}, 天气?`));
      const reported = await reportedPromptTokens(messages, chat(name, vllm));
      const start = performance.now();
      expect(createTokenCounter(name)(messages)).toBe(reported);
      // Rendering each of 1,001 prefixes took seconds here; the total renders once.
      expect(performance.now() - start).toBeLessThan(1_500);
    } finally {
      await vllm.close();
    }
  });
});

describe("trimHistory with a chat model as tokenCounter, as trimMessages takes one", () => {
  it("counts exactly by the model's name and never calls the model", async () => {
    const model = chat();
    const spy = vi.spyOn(model, "getNumTokens");
    const messages = history();
    const byModel = trimHistory(messages, { maxTokens: 70, tokenCounter: model });
    expect(byModel).toEqual(trimHistory(messages, { maxTokens: 70, model: "gpt-4o-mini" }));
    expect(byModel).toEqual(trimHistory(messages, { maxTokens: 70, tokenCounter: createTokenCounter(model) }));
    expect(byModel.length).toBeGreaterThan(0);
    expect(byModel.length).toBeLessThan(messages.length);
    expect(await reportedPromptTokens(byModel)).toBeLessThanOrEqual(70);
    expect(spy).not.toHaveBeenCalled();
    expect(() => trimHistory(messages, { maxTokens: 70, tokenCounter: {} as never })).toThrow(TrimError);
  });
});

describe("LangChain's own middleware on createAgent with the exact counter", () => {
  it("summarizationMiddleware fires at the exact token count, where characters/4 does not", async () => {
    const messages = history();
    const exact = await reportedPromptTokens(messages);
    const approximate = countTokensApproximately(messages);
    expect(approximate).toBeLessThan(exact / 2);

    const run = async (trigger: number, tokenCounter?: (m: BaseMessage[]) => number) => {
      const agent = createAgent({
        model: chat(),
        middleware: [summarizationMiddleware({ model: chat(), trigger: { tokens: trigger }, keep: { messages: 2 }, tokenCounter })],
      });
      const before = server.requests.length;
      const result = await agent.invoke({ messages: history() });
      return { summarized: summaryCalls(before), result };
    };
    const tokenCounter = createTokenCounter(chat());
    const atExact = await run(exact, tokenCounter);
    expect(atExact.summarized).toBe(1);
    expect(String(atExact.result.messages[0]!.content)).toContain("The user asked about museums.");
    expect((await run(exact + 1, tokenCounter)).summarized).toBe(0);
    // The default characters/4 guess sees less than half the prompt: at the exact count it stays silent.
    expect((await run(exact)).summarized).toBe(0);
  });

  it("contextEditingMiddleware clears tool results at the exact count through withTokenCounter", async () => {
    const lookup = tool(async ({ word }) => `"${word}" 是一个很长的解释，说明这个词在不同语境下的含义。`, {
      name: "lookup",
      description: "Look a word up.",
      schema: z.object({ word: z.string().describe("The word") }),
    });
    const tokenCounter = createTokenCounter("gpt-4o-mini", { tools: [lookup] });
    const input = { messages: [new HumanMessage("博物馆是什么意思？")] };
    const plain = createAgent({ model: chat(), tools: [lookup] });
    const before = server.requests.length;
    const answered = await plain.invoke(input);
    expect(server.requests[before + 1]!.messages.at(-1)!.role).toBe("tool");
    // What the server reported for the second call (human, AI tool call, tool result, with the tool definition):
    const exact = (answered.messages.at(-1) as AIMessage).usage_metadata!.input_tokens;

    const run = async (trigger: number) => {
      const agent = createAgent({
        model: chat(),
        tools: [lookup],
        middleware: [
          contextEditingMiddleware({
            edits: [withTokenCounter(new ClearToolUsesEdit({ trigger: { tokens: trigger }, keep: { messages: 0 } }), tokenCounter)],
          }),
        ],
      });
      const from = server.requests.length;
      await agent.invoke(input);
      const sent = server.requests[from + 1]!;
      return sent.messages.at(-1)!.content;
    };
    expect(await run(exact)).toBe("[cleared]");
    expect(await run(exact + 1)).not.toBe("[cleared]");
  });
});
