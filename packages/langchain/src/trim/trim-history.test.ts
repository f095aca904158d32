import { InMemoryChatMessageHistory } from "@langchain/core/chat_history";
import { AIMessage, type BaseMessage, HumanMessage, SystemMessage, ToolMessage } from "@langchain/core/messages";
import { countMessages, type ToolDefinition } from "@tokenledger/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { toChatMessage } from "../counters/index.js";
import { toolCallGroup } from "./tool-call-group.test-helper.js";
import { TrimError } from "./trim-error.js";
import { trimHistory } from "./trim-history.js";
import { TrimmedChatMessageHistory } from "./trimmed-chat-message-history.js";

const tools: ToolDefinition[] = [
  {
    type: "function",
    function: { name: "lookup", description: "Look a word up.", parameters: { type: "object", properties: { word: { type: "string" } } } },
  },
];

const exactCount = (messages: BaseMessage[], model = "gpt-4o", withTools: ToolDefinition[] = []) =>
  countMessages(
    messages.map((m) => toChatMessage(m)),
    { model, tools: withTools },
  ).total;

const words = ["hello", "world", "人工智能", "token", "budget", "こんにちは", "emoji 🎉", "the quick brown fox", "\n", "  "];
const textArb = fc.array(fc.constantFrom(...words), { maxLength: 12 }).map((w) => w.join(" "));

/** Histories with system prompts, plain turns and tool-call groups (some with orphaned ToolMessages). */
const historyArb = fc
  .array(
    fc.oneof(
      textArb.map((t) => [new HumanMessage(t)]),
      textArb.map((t) => [new AIMessage(t)]),
      fc.tuple(textArb, fc.integer({ min: 1, max: 3 }), fc.nat(1000)).map(([t, n, id]) => toolCallGroup(t, n, id)),
      textArb.map((t) => [new ToolMessage({ content: t, tool_call_id: "orphan" })]),
    ),
    { maxLength: 30 },
  )
  .chain((groups) => fc.boolean().map((withSystem) => [...(withSystem ? [new SystemMessage("You are helpful.")] : []), ...groups.flat()]));

function assertWhole(kept: BaseMessage[]) {
  for (let i = 0; i < kept.length; i++) {
    const m = kept[i]!;
    if (m.getType() === "tool") {
      let j = i - 1;
      while (j >= 0 && kept[j]!.getType() === "tool") j--;
      const owner = kept[j] as AIMessage | undefined;
      expect(owner?.tool_calls?.some((c) => c.id === (m as ToolMessage).tool_call_id)).toBe(true);
    }
    const calls = (m as AIMessage).tool_calls ?? [];
    if (m.getType() === "ai" && calls.length > 0) {
      const answered = new Set(kept.slice(i + 1).map((n) => (n as ToolMessage).tool_call_id));
      for (const call of calls) expect(answered.has(call.id!)).toBe(true);
    }
  }
}

describe("trimHistory with exact counts", () => {
  it("keeps the exact prompt count within budget, tool pairs whole, input untouched, and is idempotent", () => {
    fc.assert(
      fc.property(
        historyArb,
        fc.integer({ min: 0, max: 400 }),
        fc.boolean(),
        fc.constantFrom("last", "first") as fc.Arbitrary<"last" | "first">,
        (history, maxTokens, includeSystem, strategy) => {
          const snapshot = JSON.stringify(history);
          const input = [...history];
          let kept: BaseMessage[];
          try {
            kept = trimHistory(input, { maxTokens, tools, includeSystem, strategy, model: "gpt-4o" });
          } catch (error) {
            expect(error).toBeInstanceOf(TrimError);
            const fixed = countMessages([], { model: "gpt-4o", tools }).total;
            expect(fixed > maxTokens || (includeSystem && history[0]?.getType() === "system")).toBe(true);
            return;
          }
          if (kept.length > 0) expect(exactCount(kept, "gpt-4o", tools)).toBeLessThanOrEqual(maxTokens);
          assertWhole(kept);
          expect(JSON.stringify(history)).toBe(snapshot);
          expect(input).toEqual(history);
          expect(trimHistory(kept, { maxTokens, tools, includeSystem, strategy })).toEqual(kept);
          for (const m of kept) expect(history).toContain(m);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("drops the oldest turns exactly as far as needed", () => {
    const history = Array.from({ length: 50 }, (_, i) =>
      i % 2 ? new AIMessage(`answer number ${i}`) : new HumanMessage(`question number ${i}`),
    );
    for (const maxTokens of [20, 57, 100, 333]) {
      const kept = trimHistory(history, { maxTokens });
      expect(exactCount(kept)).toBeLessThanOrEqual(maxTokens);
      const oneMore = history.slice(history.length - kept.length - 1);
      expect(exactCount(oneMore)).toBeGreaterThan(maxTokens);
    }
  });

  it("returns a history that already fits unchanged", () => {
    const history = [new SystemMessage("Be brief."), new HumanMessage("Hi"), new AIMessage("Hello!")];
    expect(trimHistory(history, { model: "gpt-4o-mini" })).toEqual(history);
  });

  it("takes the budget from the model's window minus its max output, or says why it cannot", () => {
    const huge = [new HumanMessage("x ".repeat(120_000))];
    expect(trimHistory(huge, { model: "gpt-4o" })).toEqual([]);
    expect(trimHistory(huge, { model: "gpt-4o", reserveOutputTokens: 0 })).toEqual(huge);
    expect(() => trimHistory(huge, { model: "my-own-llm" })).toThrow(/maxTokens, or a model whose context window is known/);
    expect(() => trimHistory([new SystemMessage("long ".repeat(50))], { maxTokens: 10, includeSystem: true })).toThrow(TrimError);
  });

  it("refuses a startOn or endOn that is not a message type (issue 32), and takes every type and class", () => {
    const history = [new HumanMessage("Hi"), new AIMessage("Hello!")];
    for (const option of ["startOn", "endOn"] as const) {
      for (const bad of ["user", "assistant", "Human", "humans", "", ["human", "bot"]]) {
        expect(() => trimHistory(history, { maxTokens: 100, [option]: bad as never })).toThrow(TrimError);
      }
      expect(() => trimHistory(history, { maxTokens: 100, [option]: "user" })).toThrow(/the message type is "human"/);
      for (const good of ["human", "ai", "system", "tool", "generic", "function", "remove", HumanMessage, [AIMessage, "tool"]]) {
        expect(() => trimHistory(history, { maxTokens: 100, [option]: good as never })).not.toThrow();
      }
    }
    expect(trimHistory(history, { maxTokens: 100, endOn: "ai" })).toEqual(history);
  });

  it("trims 100,000 messages at all (the speed is measured in pnpm bench)", () => {
    const history = Array.from({ length: 100_000 }, (_, i) => new HumanMessage(`message ${i} about the budget`));
    const kept = trimHistory(history, { maxTokens: 10_000 });
    expect(kept.length).toBeGreaterThan(100);
    expect(exactCount(kept)).toBeLessThanOrEqual(10_000);
    expect(kept.at(-1)).toBe(history.at(-1));
  });
});

describe("TrimmedChatMessageHistory", () => {
  it("deletes from the wrapped store only with pruneStore", async () => {
    const inner = new InMemoryChatMessageHistory();
    for (let i = 0; i < 40; i++) await inner.addMessage(i % 2 ? new AIMessage(`a${i}`) : new HumanMessage(`q${i}`));
    const keep = new TrimmedChatMessageHistory(inner, { maxTokens: 60 });
    const kept = await keep.getMessages();
    expect(kept.length).toBeLessThan(40);
    expect(await inner.getMessages()).toHaveLength(40);
    const prune = new TrimmedChatMessageHistory(inner, { maxTokens: 60, pruneStore: true });
    expect(await prune.getMessages()).toEqual(kept);
    expect(await inner.getMessages()).toEqual(kept);
  });
});
