import {
  AIMessage,
  AIMessageChunk,
  type BaseMessage,
  HumanMessage,
  type MessageContent,
  SystemMessage,
  ToolMessage,
  trimMessages,
} from "@langchain/core/messages";
import { describe, expect, it } from "vitest";
import { createHistoryTrimmer } from "./create-history-trimmer.js";
import { trimHistory } from "./trim-history.js";

/**
 * The cases of @langchain/core's own `trimMessages` suite (messages/tests/message_utils.test.ts),
 * run against trimHistory with the same inputs, counters and expected outputs. Where we differ
 * on purpose the test says so.
 */
const contentTokens = (content: MessageContent): number => 3 + (Array.isArray(content) ? content.length * 4 : 4) + 3;

const factory = (countContent: (content: MessageContent) => number = contentTokens) => ({
  messages: [
    new SystemMessage("This is a 4 token text. The full message is 10 tokens."),
    new HumanMessage({ content: "This is a 4 token text. The full message is 10 tokens.", id: "first" }),
    new AIMessage({
      content: [
        { type: "text", text: "This is the FIRST 4 token block." },
        { type: "text", text: "This is the SECOND 4 token block." },
      ],
      id: "second",
    }),
    new HumanMessage({ content: "This is a 4 token text. The full message is 10 tokens.", id: "third" }),
    new AIMessage({ content: "This is a 4 token text. The full message is 10 tokens.", id: "fourth" }),
  ],
  dummyTokenCounter: (messages: BaseMessage[]) => messages.reduce((count, m) => count + countContent(m.content), 0),
});

const text = "This is a 4 token text. The full message is 10 tokens.";

describe("trimHistory passes trimMessages' own test cases", () => {
  it("should not mutate messages", () => {
    const messages = [
      new HumanMessage({ content: "My name is Jane Doe.\n          this is a long text\n          ", id: "a" }),
      new HumanMessage({
        content: "My name is Jane Doe.feiowfjoaejfioewaijof ewoif\n          this is a longer text than the first text.\n          ",
        id: "b",
      }),
    ];
    const repr = JSON.stringify(messages);
    // trimMessages' counter here is `() => 100`, which charges 100 tokens for `[]` too: a fixed cost over
    // the budget, which we answer with TrimError on purpose (it returns []). Per message it is the same.
    expect(trimHistory(messages, { maxTokens: 14, strategy: "last", tokenCounter: (ms) => 100 * ms.length, allowPartial: true })).toEqual(
      [],
    );
    expect(() => trimHistory(messages, { maxTokens: 14, strategy: "last", tokenCounter: () => 100, allowPartial: true })).toThrow(
      /tokenCounter\(\[\]\) alone need 100 tokens, over the budget of 14/,
    );
    expect(JSON.stringify(messages)).toEqual(repr);
  });

  it("should not mutate messages if no trimming occurs with strategy last", async () => {
    const trimmer = createHistoryTrimmer({
      maxTokens: 128000,
      strategy: "last",
      startOn: [HumanMessage],
      endOn: [AIMessage, ToolMessage],
      tokenCounter: () => 1,
    });
    const messages = [
      new HumanMessage("Fetch the last 5 emails from Flora Testington's inbox."),
      new AIMessageChunk({
        id: "chatcmpl-abcdefg",
        content: "",
        tool_calls: [{ name: "getEmails", args: { inboxName: "flora@foo.org", amount: 5 }, id: "foobarbaz", type: "tool_call" }],
      }),
      new ToolMessage({ content: "a whole bunch of emails!", name: "getEmails", tool_call_id: "foobarbaz" }),
    ];
    const repr = JSON.stringify(messages);
    expect(await trimmer.invoke(messages)).toEqual(messages);
    expect(JSON.stringify(messages)).toEqual(repr);
  });

  it("First 30 tokens, not allowing partial messages", () => {
    const { messages, dummyTokenCounter } = factory();
    expect(trimHistory(messages, { maxTokens: 30, tokenCounter: dummyTokenCounter, strategy: "first" })).toEqual([
      new SystemMessage(text),
      new HumanMessage({ content: text, id: "first" }),
    ]);
  });

  it("First 30 tokens, allowing partial messages", () => {
    const { messages, dummyTokenCounter } = factory();
    expect(trimHistory(messages, { maxTokens: 30, tokenCounter: dummyTokenCounter, strategy: "first", allowPartial: true })).toEqual([
      new SystemMessage(text),
      new HumanMessage({ content: text, id: "first" }),
      new AIMessage({ content: [{ type: "text", text: "This is the FIRST 4 token block." }], id: "second" }),
    ]);
  });

  it("First 30 tokens, allowing partial messages, have to end on HumanMessage", () => {
    const { messages, dummyTokenCounter } = factory();
    expect(
      trimHistory(messages, { maxTokens: 30, tokenCounter: dummyTokenCounter, strategy: "first", allowPartial: true, endOn: "human" }),
    ).toEqual([new SystemMessage(text), new HumanMessage({ content: text, id: "first" })]);
  });

  it("First tokens, allowing partial messages, have to trim the last 10 characters of the last message", () => {
    const { messages, dummyTokenCounter } = factory((content) => content.length);
    const total = messages.reduce((count, m) => count + m.content.length, 0);
    const trimmed = trimHistory(messages, {
      maxTokens: total - 10,
      tokenCounter: dummyTokenCounter,
      strategy: "first",
      allowPartial: true,
      textSplitter: (t: string) => t.split(""),
    });
    expect(trimmed.map((m) => m.content)).toEqual([text, text, messages[2]!.content, text, "This is a 4 token text. The full message is "]);
  });

  it("Last 30 tokens, including system message, not allowing partial messages", () => {
    const { messages, dummyTokenCounter } = factory();
    expect(trimHistory(messages, { maxTokens: 30, includeSystem: true, tokenCounter: dummyTokenCounter, strategy: "last" })).toEqual([
      new SystemMessage(text),
      new HumanMessage({ content: text, id: "third" }),
      new AIMessage({ content: text, id: "fourth" }),
    ]);
  });

  it("Last 40 tokens, including system message, allowing partial messages", () => {
    const { messages, dummyTokenCounter } = factory();
    expect(
      trimHistory(messages, { maxTokens: 40, tokenCounter: dummyTokenCounter, strategy: "last", allowPartial: true, includeSystem: true }),
    ).toEqual([
      new SystemMessage(text),
      new AIMessage({ content: [{ type: "text", text: "This is the FIRST 4 token block." }], id: "second" }),
      new HumanMessage({ content: text, id: "third" }),
      new AIMessage({ content: text, id: "fourth" }),
    ]);
  });

  it("Last 30 tokens, including system message, allowing partial messages, end on HumanMessage", () => {
    const { messages, dummyTokenCounter } = factory();
    expect(
      trimHistory(messages, {
        maxTokens: 30,
        tokenCounter: dummyTokenCounter,
        strategy: "last",
        endOn: "human",
        includeSystem: true,
        allowPartial: true,
      }),
    ).toEqual([
      new SystemMessage(text),
      new AIMessage({ content: [{ type: "text", text: "This is the FIRST 4 token block." }], id: "second" }),
      new HumanMessage({ content: text, id: "third" }),
    ]);
  });

  it("Last 40 tokens, including system message, allowing partial messages, start on HumanMessage", () => {
    const { messages, dummyTokenCounter } = factory();
    expect(
      trimHistory(messages, {
        maxTokens: 40,
        tokenCounter: dummyTokenCounter,
        strategy: "last",
        includeSystem: true,
        allowPartial: true,
        startOn: "human",
      }),
    ).toEqual([new SystemMessage(text), new HumanMessage({ content: text, id: "third" }), new AIMessage({ content: text, id: "fourth" })]);
  });

  it("can filter (startOn) with message classes", () => {
    const { messages, dummyTokenCounter } = factory();
    expect(trimHistory(messages, { maxTokens: 40, tokenCounter: dummyTokenCounter, startOn: [HumanMessage] })).toEqual([
      new HumanMessage({ content: text, id: "third" }),
      new AIMessage({ content: text, id: "fourth" }),
    ]);
  });

  it("can filter (endOn) with message classes", () => {
    const { messages, dummyTokenCounter } = factory();
    expect(trimHistory(messages, { maxTokens: 40, tokenCounter: dummyTokenCounter, endOn: [HumanMessage] })).toEqual([
      new HumanMessage({ content: text, id: "first" }),
      messages[2],
      new HumanMessage({ content: text, id: "third" }),
    ]);
  });

  it("returns a runnable from createHistoryTrimmer", async () => {
    const { messages, dummyTokenCounter } = factory();
    const trimmer = createHistoryTrimmer({ maxTokens: 40, tokenCounter: dummyTokenCounter });
    expect(trimmer.lc_namespace).toEqual(["langchain_core", "runnables"]);
    expect(await trimmer.invoke(messages)).toEqual(trimHistory(messages, { maxTokens: 40, tokenCounter: dummyTokenCounter }));
  });
});

describe("where trimHistory differs from trimMessages on purpose", () => {
  it("never returns a ToolMessage without its AI tool call (trimMessages can)", async () => {
    const messages = [
      new HumanMessage("weather?"),
      new AIMessage({ content: "", tool_calls: [{ name: "w", args: {}, id: "c1" }] }),
      new ToolMessage({ content: "sunny and warm all day", tool_call_id: "c1" }),
      new AIMessage("It is sunny."),
    ];
    const counter = (ms: BaseMessage[]) => ms.length * 10;
    expect(await trimMessages(messages, { maxTokens: 25, tokenCounter: counter })).toEqual([messages[2], messages[3]]);
    expect(trimHistory(messages, { maxTokens: 25, tokenCounter: counter })).toEqual([messages[3]]);
  });

  it("keeps a system message under includeSystem even when startOn finds nothing (trimMessages drops it)", () => {
    const { messages, dummyTokenCounter } = factory();
    expect(trimHistory(messages, { maxTokens: 20, tokenCounter: dummyTokenCounter, includeSystem: true, startOn: "human" })).toEqual([
      messages[0],
    ]);
  });
});
