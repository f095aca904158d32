import { AIMessage, type BaseMessage, HumanMessage, SystemMessage, ToolMessage } from "@langchain/core/messages";
import type { ToolDefinition } from "@tokenledger/core";
import { get_encoding } from "tiktoken";
import { afterAll, describe, expect, it } from "vitest";
import { createHistoryTrimmer } from "./create-history-trimmer.js";
import { TrimError } from "./trim-error.js";
import { trimHistory, trimHistoryAsync } from "./trim-history.js";

/** Each case issue 15 reproduced against main, as a test. Expected counts come from tiktoken and OpenAI's per-message rule. */
const o200k = get_encoding("o200k_base");
afterAll(() => o200k.free());
const n = (text: string) => o200k.encode_ordinary(text).length;
/** OpenAI's rule for plain text messages on gpt-4o: 3 + role + content each, 3 to prime the reply. */
const gpt4oCount = (messages: Array<[role: string, text: string]>) =>
  3 + messages.reduce((sum, [role, text]) => sum + 3 + n(role) + n(text), 0);

const turns = (count: number) =>
  Array.from({ length: count }, (_, i) =>
    i % 2 ? new AIMessage(`answer ${i} about tokens`) : new HumanMessage(`question ${i} about tokens`),
  );

describe("issue 15: never silently off", () => {
  it("rejects a reserveOutputTokens of NaN, -1e9 or Infinity, and a maxTokens of NaN, with TrimError", () => {
    const history = turns(5_000);
    for (const reserveOutputTokens of [Number.NaN, -1e9, Number.POSITIVE_INFINITY]) {
      expect(() => trimHistory(history, { model: "gpt-4o", reserveOutputTokens })).toThrow(
        new TrimError(`trimHistory: reserveOutputTokens must be a finite number >= 0, got ${reserveOutputTokens}`),
      );
    }
    expect(() => trimHistory(history, { maxTokens: Number.NaN })).toThrow(/maxTokens must be a finite number >= 0, got NaN/);
  });

  it("rejects an async tokenCounter in the sync trimHistory, and awaits it in trimHistoryAsync and createHistoryTrimmer", async () => {
    const history = turns(5_000);
    const counter = async (messages: BaseMessage[]) => messages.length * 10;
    expect(() => trimHistory(history, { maxTokens: 1_000, tokenCounter: counter })).toThrow(/returned a Promise.*trimHistoryAsync/);
    const kept = await trimHistoryAsync(history, { maxTokens: 1_000, tokenCounter: counter });
    expect(kept).toEqual(history.slice(-100));
    expect(await createHistoryTrimmer({ maxTokens: 1_000, tokenCounter: counter }).invoke(history)).toEqual(history.slice(-100));
  });

  it("rejects a counter that returns NaN once, synchronously or not", async () => {
    const history = turns(5_000);
    let calls = 0;
    const onceNaN = (messages: BaseMessage[]) => (messages.length > 0 && ++calls === 3 ? Number.NaN : messages.length * 10);
    expect(() => trimHistory(history, { maxTokens: 1_000, tokenCounter: onceNaN })).toThrow(
      /tokenCounter's count of message 4997 must be a finite number >= 0, got NaN/,
    );
    calls = 0;
    await expect(trimHistoryAsync(history, { maxTokens: 1_000, tokenCounter: async (ms) => onceNaN(ms) })).rejects.toThrow(TrimError);
  });

  it("counts an image of width Infinity (or 1e999 from JSON) by the documented rule: a 1024x1024 image, 765 tokens on gpt-4o", () => {
    const image = (width: unknown) =>
      new HumanMessage({ content: [{ type: "image_url", image_url: { url: "data:,", detail: "high", width, height: 1024 } } as never] });
    for (const width of [Number.POSITIVE_INFINITY, JSON.parse("1e999")]) {
      const history = [...turns(5_000), image(width), new HumanMessage("what is in it?")];
      const kept = trimHistory(history, { maxTokens: 1_000 });
      // 3 (message) + 1 ("user") + 85 + 4 * 170 (four 512px tiles), then the last question and priming.
      const imageCost = 3 + n("user") + 85 + 4 * 170;
      expect(kept.length).toBeLessThan(history.length);
      expect(kept.at(-2)).toBe(history.at(-2));
      expect(
        imageCost + gpt4oCount([["user", "what is in it?"]]) + gpt4oCount(kept.slice(0, -2).map((m) => [roleOf(m), m.text])) - 3,
      ).toBeLessThanOrEqual(1_000);
    }
  });
});

describe("issue 15: the stale cache", () => {
  it("sees content[0].text edited in place, a pushed part and tool-call args after a trim (was: 208 tokens sent against 50)", () => {
    const parts = new HumanMessage({ content: [{ type: "text", text: "short" }] });
    const call = new AIMessage({ content: "", tool_calls: [{ name: "f", args: { q: "a" }, id: "c1" }] });
    const history = [parts, call, new ToolMessage({ content: "ok", tool_call_id: "c1" }), new HumanMessage("next")];
    expect(trimHistory(history, { maxTokens: 50 })).toEqual(history);
    const long = " much longer text edited in place".repeat(8);
    (parts.content[0] as { text: string }).text += long;
    expect(trimHistory(history, { maxTokens: 50 })).toEqual(history.slice(1));
    (parts.content as Array<{ type: "text"; text: string }>).splice(0, 1, { type: "text", text: "short" });
    expect(trimHistory(history, { maxTokens: 50 })).toEqual(history);
    (parts.content as Array<{ type: "text"; text: string }>).push({ type: "text", text: long });
    expect(trimHistory(history, { maxTokens: 50 })).toEqual(history.slice(1));
    call.tool_calls![0]!.args = { q: long };
    expect(trimHistory(history, { maxTokens: 50 })).toEqual(history.slice(3));
  });
});

describe("issue 15: never a request the API rejects", () => {
  const call = () => new AIMessage({ content: "", tool_calls: [{ name: "f", args: {}, id: "c1" }] });
  const answer = () => new ToolMessage({ content: "sunny", tool_call_id: "c1" });

  it('never starts on a ToolMessage: startOn "tool" or ToolMessage keeps no [tool, ai]', () => {
    const history = [new HumanMessage("weather?"), call(), answer(), new AIMessage("It is sunny.")];
    for (const startOn of ["tool", ToolMessage] as const) {
      expect(trimHistory(history, { maxTokens: 1_000, startOn })).toEqual([]);
      expect(trimHistory(history, { maxTokens: 1_000, startOn: [startOn, "ai"] })).toEqual(history.slice(1));
    }
  });

  it("drops an AI message whose tool calls are not all answered, with its answers", () => {
    const unanswered = [new HumanMessage("weather?"), call(), new HumanMessage("hello?")];
    expect(trimHistory(unanswered, { maxTokens: 1_000 })).toEqual([unanswered[0], unanswered[2]]);
    const half = new AIMessage({ content: "", tool_calls: ["c1", "c2"].map((id) => ({ name: "f", args: {}, id })) });
    expect(trimHistory([new HumanMessage("x"), half, answer()], { maxTokens: 1_000 })).toHaveLength(1);
    const viaKwargs = new AIMessage({
      content: "",
      additional_kwargs: { tool_calls: [{ id: "k1", type: "function", function: { name: "f", arguments: "{}" } }] },
    });
    viaKwargs.tool_calls = [];
    expect(trimHistory([new HumanMessage("x"), viaKwargs], { maxTokens: 1_000 })).toHaveLength(1);
  });

  it("answers [null, msg] and other non-messages with TrimError, not a TypeError", () => {
    expect(() => trimHistory([null, new HumanMessage("hi")] as never, { maxTokens: 100 })).toThrow(
      new TrimError("trimHistory: messages[0] is not a LangChain message (null)"),
    );
    expect(() => trimHistory([new HumanMessage("hi"), 7] as never, { maxTokens: 100 })).toThrow(/messages\[1\] is not a LangChain message/);
    expect(() => trimHistory("hi" as never, { maxTokens: 100 })).toThrow(TrimError);
    const hostile = new HumanMessage("hi");
    Object.defineProperty(hostile, "content", {
      get: () => {
        throw new Error("no");
      },
    });
    expect(() => trimHistory([hostile], { maxTokens: 100 })).toThrow(/cannot be read/);
    expect(() => trimHistory([new HumanMessage("hi")], new Proxy({}, { get: () => 1 / 0 }) as never)).toThrow(TrimError);
    const long = [new HumanMessage("one\ntwo\nthree four five six seven eight nine ten")];
    for (const textSplitter of [() => 7, async () => ["a"], () => [1, 2]] as never[]) {
      expect(() => trimHistory(long, { maxTokens: 12, allowPartial: true, textSplitter })).toThrow(
        /textSplitter must return an array of strings/,
      );
    }
    const broken = () => {
      throw new Error("no splits today");
    };
    expect(() => trimHistory(long, { maxTokens: 12, allowPartial: true, textSplitter: broken })).toThrow(
      new TrimError("trimHistory: textSplitter threw: no splits today"),
    );
  });
});

describe("issue 15: the fixed cost over the budget", () => {
  const tools: ToolDefinition[] = [
    {
      type: "function",
      function: {
        name: "lookup",
        description: "Look a word up.",
        parameters: { type: "object", properties: { word: { type: "string" } } },
      },
    },
  ];

  it("throws TrimError saying what does not fit: reply priming at budget 0, tools at budget 20", () => {
    expect(() => trimHistory([new HumanMessage("hi")], { maxTokens: 0 })).toThrow(
      new TrimError("trimHistory: tools (0) and reply priming (3) alone need 3 tokens, over the budget of 0; no history fits"),
    );
    // The cookbook's tool rule: 12 + 7 + "lookup:Look a word up" + 3 + 3 + "word:string:".
    const toolTokens = 12 + 7 + n("lookup:Look a word up") + 3 + 3 + n("word:string:");
    expect(() => trimHistory([new HumanMessage("hi")], { maxTokens: 20, tools })).toThrow(
      `tools (${toolTokens}) and reply priming (3) alone need ${toolTokens + 3} tokens, over the budget of 20`,
    );
    expect(trimHistory([new HumanMessage("hi")], { maxTokens: toolTokens + 3, tools })).toEqual([]);
  });

  it("keeps a plain-format partial result within budget 0 (was [ai '\\n', ai ''], 1 token)", () => {
    const history = [new AIMessage("\n"), new AIMessage("")];
    for (const strategy of ["last", "first"] as const) {
      const kept = trimHistory(history, { model: "llama-3-70b", maxTokens: 0, allowPartial: true, strategy });
      expect(n(kept.map((m) => m.text).join("\n"))).toBe(0);
    }
  });
});

function roleOf(message: BaseMessage): string {
  return message instanceof SystemMessage ? "system" : message instanceof AIMessage ? "assistant" : "user";
}
