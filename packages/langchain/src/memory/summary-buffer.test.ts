import { AIMessage, type BaseMessage, HumanMessage, SystemMessage, type ToolMessage } from "@langchain/core/messages";
import type { ToolDefinition } from "@tokenledger/core";
import { promptTokens } from "@tokenledger/openai-server";
import fc from "fast-check";
import { get_encoding } from "tiktoken";
import { afterAll, describe, expect, it } from "vitest";
import { TrimError } from "../trim/index.js";
import { toolCallGroup } from "../trim/tool-call-group.test-helper.js";
import { SUMMARY_RUN_NAME, SUMMARY_TAG, type SummarizerLike, SummaryBuffer } from "./summary-buffer.js";

const MODEL = "gpt-4o-mini";
const o200k = get_encoding("o200k_base");
afterAll(() => o200k.free());

const TOOLS: ToolDefinition[] = [
  {
    type: "function",
    function: {
      name: "lookup",
      description: "Look a word up.",
      parameters: { type: "object", properties: { word: { type: "string", description: "The word" } } },
    },
  },
];

/** The reference: OpenAI's published chat rule over the `tiktoken` package; tools by the test server's own (js-tiktoken) rule. */
function referencePromptTokens(messages: BaseMessage[], tools: ToolDefinition[]): number {
  const n = (text: string) => o200k.encode_ordinary(text).length;
  const roles: Record<string, string> = { human: "user", ai: "assistant", system: "system", tool: "tool" };
  let total = 3;
  for (const m of messages) {
    total += 3 + n(roles[m.getType()]!) + n(String(m.content));
    if (m.getType() === "tool") total += n((m as ToolMessage).tool_call_id);
    for (const call of (m as AIMessage).tool_calls ?? []) total += n(call.name) + n(JSON.stringify(call.args));
  }
  return total + (tools.length > 0 ? promptTokens(MODEL, [], tools as never) - 3 : 0);
}

const words = ["hello", "world", "人工智能", "token", "budget", "こんにちは", "emoji 🎉", "the quick brown fox", "巴黎", "museum"];
const textArb = fc.array(fc.constantFrom(...words), { minLength: 1, maxLength: 14 }).map((w) => w.join(" "));

/** One turn as it is added to a store: a plain message, or an AI tool call with its results. */
const groupArb = fc.oneof(
  textArb.map((t) => [new HumanMessage(t)]),
  textArb.map((t) => [new AIMessage(t)]),
  fc.tuple(textArb, fc.integer({ min: 1, max: 2 }), fc.nat(1_000_000)).map(([t, k, id]) => toolCallGroup(t, k, id)),
);

/** A deterministic summarizer: the old summary plus the first word of each new line, then `padding` more words; fails when told. */
function fakeSummarizer(padding: number, failAt: (call: number) => boolean) {
  let calls = 0;
  const summarizer: SummarizerLike & { calls: () => number; configs: unknown[] } = {
    configs: [],
    calls: () => calls,
    async invoke(input, options) {
      calls++;
      summarizer.configs.push(options);
      if (failAt(calls)) throw new Error("summarizer is down");
      const text = String(input[1]!.content);
      const old = /Current summary:\n([\s\S]*?)\n\nNew lines/.exec(text)![1]!;
      const lines = text.split("New lines of conversation:\n")[1]!.split("\n\nNew summary:")[0]!.split("\n");
      const heads = lines.map((line) => line.split(" ")[1] ?? "");
      return { content: `${old === "(none)" ? "" : `${old} `}${heads.join(" ")} ${"memo ".repeat(padding)}`.trim() };
    },
  };
  return summarizer;
}

function assertWhole(kept: BaseMessage[]) {
  for (let i = 0; i < kept.length; i++) {
    const m = kept[i]!;
    const calls = (m as AIMessage).tool_calls ?? [];
    if (m.getType() === "ai" && calls.length > 0) {
      const results = kept.slice(i + 1, i + 1 + calls.length);
      expect(results.map((r) => (r as ToolMessage).tool_call_id)).toEqual(calls.map((c) => c.id));
    }
    if (m.getType() === "tool") {
      let j = i - 1;
      while (j >= 0 && kept[j]!.getType() === "tool") j--;
      expect(((kept[j] as AIMessage | undefined)?.tool_calls ?? []).some((c) => c.id === (m as ToolMessage).tool_call_id)).toBe(true);
    }
  }
}

describe("SummaryBuffer", () => {
  it("never sends a prompt over the budget by the tiktoken reference, keeps tool calls whole and loses nothing unsummarized", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(groupArb, { minLength: 1, maxLength: 16 }),
        fc.integer({ min: 90, max: 400 }),
        fc.option(textArb, { nil: undefined }),
        fc.boolean(),
        fc.integer({ min: 0, max: 300 }),
        fc.option(fc.integer({ min: 1, max: 6 }), { nil: undefined }),
        fc.option(fc.integer({ min: 0, max: 300 }), { nil: undefined }),
        async (groups, maxTokens, systemText, withTools, padding, failEvery, keepTokens) => {
          const tools = withTools ? TOOLS : [];
          const system = systemText === undefined ? [] : [new SystemMessage(systemText)];
          const summarizer = fakeSummarizer(padding, (call) => failEvery !== undefined && call % failEvery === 0);
          const buffer = new SummaryBuffer({ summarizer, maxTokens, model: MODEL, tools, keepTokens });
          const store: BaseMessage[] = [];
          for (const group of groups) {
            store.push(...group);
            const before = store.slice();
            const result = await buffer.fit({ system, messages: store });
            expect(store).toEqual(before);
            const prompt = [...system, ...result.messages];
            const reference = referencePromptTokens(prompt, tools);
            expect(reference).toBe(result.promptTokens);
            expect(reference).toBeLessThanOrEqual(maxTokens);
            const turns = result.messages.filter((m) => store.includes(m));
            assertWhole(turns);
            // The kept turns are the newest, in order, all after what the summary covers.
            const first = turns.length > 0 ? store.indexOf(turns[0]!) : store.length;
            expect(first).toBeGreaterThanOrEqual(result.summarizedCount);
            expect(turns).toEqual(store.slice(first).filter((m) => turns.includes(m)));
            if (!result.degraded && !result.summaryTruncated) expect(result.summarizedCount).toBe(first);
            if (result.degraded) expect(result.error).toBe("summarizer is down");
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it("counts the summary in the budget, cuts a summary too long for its room, and tags every summarizer call", async () => {
    const summarizer = fakeSummarizer(2000, () => false);
    const buffer = new SummaryBuffer({ summarizer, maxTokens: 200, model: MODEL, maxSummaryTokens: 80 });
    const store = Array.from({ length: 20 }, (_, i) =>
      i % 2 ? new AIMessage(`answer ${i} ${"x ".repeat(10)}`) : new HumanMessage(`question ${i}`),
    );
    const result = await buffer.fit({ messages: store });
    expect(result.summaryTruncated).toBe(true);
    expect(result.summaryCalls).toBeGreaterThan(0);
    expect(result.messages[0]!.getType()).toBe("system");
    expect(referencePromptTokens(result.messages.slice(0, 1), []) - 3).toBeLessThanOrEqual(80);
    expect(referencePromptTokens(result.messages, [])).toBeLessThanOrEqual(200);
    expect(
      summarizer.configs.every((c) => JSON.stringify(c).includes(SUMMARY_TAG) && (c as { runName: string }).runName === SUMMARY_RUN_NAME),
    ).toBe(true);
  });

  it("keeps a summary per thread and starts over when a thread's history is replaced", async () => {
    const summarizer = fakeSummarizer(0, () => false);
    const buffer = new SummaryBuffer({ summarizer, maxTokens: 60, model: MODEL });
    const long = Array.from({ length: 10 }, (_, i) => new HumanMessage(`alpha${i} ${"word ".repeat(8)}`));
    const a = await buffer.fit({ messages: long, thread: "a" });
    expect(a.summarizedCount).toBeGreaterThan(0);
    expect(buffer.summaryOf("a")).toContain("alpha0");
    expect(buffer.summaryOf("b")).toBe("");
    const calls = summarizer.calls();
    const again = await buffer.fit({ messages: long, thread: "a" });
    expect(summarizer.calls()).toBe(calls);
    expect(again.messages).toEqual(a.messages);
    const other = long.map((_m, i) => new HumanMessage(`beta${i} ${"word ".repeat(8)}`));
    const replaced = await buffer.fit({ messages: other, thread: "a" });
    expect(replaced.summary).not.toContain("alpha");
  });

  it("rejects a system prompt over the budget and a missing summarizer with one clear error", async () => {
    const buffer = new SummaryBuffer({ summarizer: fakeSummarizer(0, () => false), maxTokens: 10, model: MODEL });
    await expect(buffer.fit({ system: [new SystemMessage("a long system prompt ".repeat(10))], messages: [] })).rejects.toThrow(TrimError);
    await expect(buffer.fit({ messages: "hello" as never })).rejects.toThrow(TrimError);
    expect(() => new SummaryBuffer({ summarizer: undefined as never, maxTokens: 10 })).toThrow(TypeError);
    expect(() => new SummaryBuffer({ summarizer: fakeSummarizer(0, () => false), maxTokens: -1 })).toThrow(TrimError);
    expect(() => new SummaryBuffer({ summarizer: fakeSummarizer(0, () => false), maxTokens: 10, keepTokens: Number.NaN })).toThrow(
      TrimError,
    );
  });
});

describe("SummaryBuffer keepTokens", () => {
  it("folds down to keepTokens when a fold is due, so the summarizer runs once per several turns", async () => {
    const run = async (keepTokens?: number) => {
      const summarizer = fakeSummarizer(0, () => false);
      const buffer = new SummaryBuffer({ summarizer, maxTokens: 200, model: MODEL, keepTokens, lowWaterMark: 1 });
      const store: BaseMessage[] = [];
      for (let i = 0; i < 30; i++) {
        store.push(i % 2 ? new AIMessage(`answer ${i} about the trip to 巴黎`) : new HumanMessage(`question ${i} about museums`));
        expect(referencePromptTokens((await buffer.fit({ messages: store })).messages, [])).toBeLessThanOrEqual(200);
      }
      return summarizer.calls();
    };
    const everyTurn = await run();
    const batched = await run(60);
    expect(batched).toBeGreaterThan(0);
    expect(batched * 2).toBeLessThan(everyTurn);
  });
});

describe("SummaryBuffer summary message", () => {
  it("puts the summary in a human message when asked, and treats an empty summary as a failure", async () => {
    const store = Array.from({ length: 12 }, (_, i) => new HumanMessage(`question ${i} about the museums of 巴黎`));
    const human = new SummaryBuffer({ summarizer: fakeSummarizer(0, () => false), maxTokens: 80, model: MODEL, summaryRole: "human" });
    const result = await human.fit({ messages: store });
    expect(result.messages[0]!.getType()).toBe("human");
    expect(String(result.messages[0]!.content)).toMatch(/^Summary of the earlier conversation:\nquestion/);
    const empty = new SummaryBuffer({
      summarizer: { invoke: async () => ({ content: [{ type: "text", text: "  " }] }) },
      maxTokens: 80,
      model: MODEL,
    });
    const degraded = await empty.fit({ messages: store });
    expect(degraded).toMatchObject({ degraded: true, error: "the summarizer returned no text", summarizedCount: 0 });
    expect(referencePromptTokens(degraded.messages, [])).toBeLessThanOrEqual(80);
  });
});
