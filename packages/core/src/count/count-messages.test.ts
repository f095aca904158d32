import { describe, expect, it } from "vitest";
import { getEncoder } from "../loader/index.js";
import type { ChatMessage, ToolDefinition } from "./chat-types.js";
import { countMessages } from "./count-messages.js";
import { countPromptTotal } from "./count-prompt-total.js";
import { countTokens } from "./count-tokens.js";

/** The OpenAI cookbook's example ("How to count tokens with tiktoken"), with the prompt_tokens the API reported. */
const COOKBOOK_MESSAGES: ChatMessage[] = [
  {
    role: "system",
    content: "You are a helpful, pattern-following assistant that translates corporate jargon into plain English.",
  },
  { role: "system", name: "example_user", content: "New synergies will help drive top-line growth." },
  { role: "system", name: "example_assistant", content: "Things working well together will increase revenue." },
  {
    role: "system",
    name: "example_user",
    content: "Let's circle back when we have more bandwidth to touch base on opportunities for increased leverage.",
  },
  { role: "system", name: "example_assistant", content: "Let's talk later when we're less busy about how to do better." },
  { role: "user", content: "This late pivot means we don't have time to boil the ocean for the client deliverable." },
];

const WEATHER_TOOLS: ToolDefinition[] = [
  {
    type: "function",
    function: {
      name: "get_current_weather",
      description: "Get the current weather in a given location",
      parameters: {
        type: "object",
        properties: {
          location: { type: "string", description: "The city and state, e.g. San Francisco, CA" },
          unit: { type: "string", description: "The unit of temperature to return", enum: ["celsius", "fahrenheit"] },
        },
        required: ["location"],
      },
    },
  },
];
const WEATHER_MESSAGES: ChatMessage[] = [
  { role: "system", content: "You are a helpful assistant that can answer to questions about the weather." },
  { role: "user", content: "What's the weather like in San Francisco?" },
];

describe("countMessages on the cookbook's published examples", () => {
  it.each([
    ["gpt-3.5-turbo", 129],
    ["gpt-4", 129],
    ["gpt-4-0613", 129],
    ["gpt-4o", 124],
    ["gpt-4o-mini", 124],
    ["gpt-3.5-turbo-0301", 127],
  ])("%s: %i prompt tokens", (model, expected) => {
    const count = countMessages(COOKBOOK_MESSAGES, { model });
    expect(count.total).toBe(expected);
    expect(count.approximate).toBe(false);
    expect(count.perMessage.reduce((a, b) => a + b, 0) + count.replyPriming).toBe(expected);
  });

  it.each([
    ["gpt-4o", 101],
    ["gpt-4o-mini", 101],
    ["gpt-4", 105],
    ["gpt-3.5-turbo", 105],
  ])("weather tool example on %s: %i", (model, expected) => {
    const count = countMessages(WEATHER_MESSAGES, { model, tools: WEATHER_TOOLS });
    expect(count.total).toBe(expected);
    expect(count.total).toBe(count.perMessage.reduce((a, b) => a + b, 0) + count.tools + count.replyPriming);
  });
});

describe("countMessages details", () => {
  it("counts each message as 3 + role + content (+ name + 1)", () => {
    const enc = getEncoder("o200k_base");
    const count = countMessages([{ role: "user", name: "bob", content: "Hello there" }], { model: "gpt-4o" });
    expect(count.perMessage[0]).toBe(3 + enc.count("user") + enc.count("Hello there") + enc.count("bob") + 1);
    expect(count.replyPriming).toBe(3);
  });

  it("counts text parts exactly and images by the tile formula", () => {
    const text: ChatMessage = { role: "user", content: [{ type: "text", text: "Describe this" }] };
    expect(countMessages([text]).total).toBe(countMessages([{ role: "user", content: "Describe this" }]).total);
    const image = (detail: "low" | "high", width?: number, height?: number): ChatMessage => ({
      role: "user",
      content: [{ type: "image_url", image_url: { url: "data:,", detail, width, height } }],
    });
    const base = countMessages([{ role: "user", content: [] }]).total;
    expect(countMessages([image("low")]).total - base).toBe(85);
    expect(countMessages([image("low")]).approximate).toBe(false);
    expect(countMessages([image("high", 1024, 1024)]).total - base).toBe(85 + 170 * 4);
    expect(countMessages([image("high", 2048, 4096)]).total - base).toBe(85 + 170 * 6);
    expect(countMessages([image("high", 1024, 1024)]).approximate).toBe(false);
    const unknownSize = countMessages([image("high")]);
    expect(unknownSize.total - base).toBe(85 + 170 * 4);
    expect(unknownSize.approximate).toBe(true);
    expect(countMessages([image("high", 1024, 1024)], { model: "gpt-4o-mini" }).total - base).toBe(2833 + 5667 * 4);
  });

  it("counts tool calls and tool results, flagged approximate", () => {
    const enc = getEncoder("o200k_base");
    const call: ChatMessage = {
      role: "assistant",
      content: null,
      tool_calls: [{ id: "call_1", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } }],
    };
    const result: ChatMessage = { role: "tool", tool_call_id: "call_1", content: "22C" };
    const count = countMessages([call, result]);
    expect(count.perMessage[0]).toBe(3 + enc.count("assistant") + enc.count("get_weather") + enc.count('{"city":"Paris"}'));
    expect(count.perMessage[1]).toBe(3 + enc.count("tool") + enc.count("call_1") + enc.count("22C"));
    expect(count.approximate).toBe(true);
  });

  it("answers bad input with a flagged count, never a crash, and never mutates it", () => {
    const bad = [
      { role: "user", content: null },
      { role: "user", content: [{ type: "input_audio", input_audio: {} }, { type: "mystery", text: "hi" }, null, 7] },
      { role: "assistant", content: "x", tool_calls: [null, { function: null }, { function: { name: 3, arguments: { a: 1 } } }] },
      { role: 42, content: { not: "a string" } },
      null,
      "a string",
    ] as unknown as ChatMessage[];
    const snapshot = JSON.stringify(bad);
    const count = countMessages(bad, { model: "gpt-4o" });
    expect(count.perMessage).toHaveLength(bad.length);
    expect(count.approximate).toBe(true);
    expect(Number.isInteger(count.total)).toBe(true);
    expect(JSON.stringify(bad)).toBe(snapshot);
    expect(countMessages([]).total).toBe(3);
    expect(countMessages(null as never).perMessage).toEqual([]);
    expect(countMessages(COOKBOOK_MESSAGES, { tools: [null, { function: {} }] as never }).approximate).toBe(true);
  });

  it("counts models outside OpenAI's formats as contents joined with a newline", () => {
    const messages: ChatMessage[] = [
      { role: "system", content: "Be brief." },
      { role: "user", content: "你好，世界" },
    ];
    const count = countMessages(messages, { model: "llama-3-70b" });
    expect(count.chatFormat).toBe("plain");
    expect(count.approximate).toBe(true);
    expect(count.total).toBe(countTokens("Be brief.\n你好，世界", { model: "llama-3-70b" }));
  });

  it("re-counts a message whose content changed, and the same message under another model", () => {
    const message: ChatMessage = { role: "user", content: "short" };
    const first = countMessages([message]).total;
    message.content = "a much longer message than before";
    expect(countMessages([message]).total).toBeGreaterThan(first);
    expect(countMessages([message], { model: "gpt-4" }).total).toBe(
      3 + 3 + getEncoder("cl100k_base").count("user") + getEncoder("cl100k_base").count(message.content as string),
    );
  });

  it("re-counts a 10,000-message history plus one new message from its cache", () => {
    const history: ChatMessage[] = Array.from({ length: 10_000 }, (_, i) => ({
      role: i % 2 ? "assistant" : "user",
      content: `message number ${i}: ${"lorem ipsum ".repeat(i % 7)}`,
    }));
    const cold = countMessages(history).total;
    history.push({ role: "user", content: "and one more" });
    const warm = countMessages(history);
    expect(warm.total).toBe(cold + warm.perMessage[10_000]!);
  });

  it("gives a long list's first count the per-message counts and flags of counting each message alone", () => {
    const history: ChatMessage[] = Array.from({ length: 100 }, (_, i) =>
      i === 10
        ? { role: "assistant", content: null, tool_calls: [{ id: "call_1", type: "function", function: { name: "f", arguments: "{}" } }] }
        : { role: "user", content: `message ${i}` },
    );
    const counted = countMessages(history);
    expect(counted.perMessage).toEqual(history.map((m) => countMessages([m]).perMessage[0]));
    expect(counted.approximate).toBe(true);
    expect(countMessages(history.slice(50)).approximate).toBe(false);
  });

  it("sees a message changed in place, a replaced message and another model, when a list is counted again", () => {
    const history: ChatMessage[] = Array.from({ length: 100 }, (_, i) => ({ role: "user", content: `message ${i}` }));
    const fresh = () => countMessages(history.map((m) => ({ ...m }))).total;
    expect(countMessages(history).total).toBe(fresh());
    history[50]!.content = "a much longer message than it was before, with many more tokens in it";
    expect(countMessages(history).total).toBe(fresh());
    history[7] = { role: "assistant", content: "replaced", name: "bot" };
    expect(countMessages(history).total).toBe(fresh());
    expect(countMessages(history, { model: "gpt-4" }).total).toBe(
      countMessages(
        history.map((m) => ({ ...m })),
        { model: "gpt-4" },
      ).total,
    );
    expect(countMessages(history).total).toBe(fresh());
  });
});

describe("countTokens", () => {
  it("shows how differently encodings split Chinese", () => {
    expect(countTokens("人工智能")).toBe(2);
    expect(countTokens("人工智能", { model: "gpt-4" })).toBe(5);
    expect(countTokens("人工智能", { encoding: "cl100k_base", model: "gpt-4o" })).toBe(5);
  });

  it("never throws and counts non-strings as 0", () => {
    for (const value of [null, undefined, 1, {}, []]) expect(countTokens(value as never)).toBe(0);
    expect(countTokens("<|endoftext|>")).toBe(7);
    expect(countTokens("hi", { model: "unknown-model" })).toBe(1);
  });
});

describe("countPromptTotal", () => {
  it("is countMessages' total and flags for OpenAI's rules, the plain rule and a model whose data is not loaded", () => {
    const messages: ChatMessage[] = [
      { role: "system", content: "Be brief." },
      { role: "user", content: "What is 2 + 2?" },
      { role: "assistant", content: "", tool_calls: [{ id: "c1", type: "function", function: { name: "add", arguments: '{"a":2}' } }] },
      { role: "tool", tool_call_id: "c1", content: "4" },
    ];
    for (const model of ["gpt-4o", "gpt-4", "claude-sonnet-4-5", "my-own-llm", "llama3.1:8b"]) {
      const { total, encoding, chatFormat, approximate } = countMessages(messages, { model });
      expect(countPromptTotal(messages, { model })).toEqual({ total, encoding, chatFormat, approximate });
    }
    expect(countPromptTotal("not a list" as never).total).toBe(countMessages("not a list" as never).total);
  });
});
