import { describe, expect, it } from "vitest";
import type { ChatMessage } from "./count/chat-types.js";
import { countMessages } from "./count/count-messages.js";
import { getEncoder } from "./loader/get-encoder.js";
import { TokenTracker } from "./token-tracker.js";

const history: ChatMessage[] = [
  { role: "system", content: "You are a helpful assistant." },
  { role: "user", content: "What is the capital of France?" },
  { role: "assistant", content: "Paris." },
];

describe("TokenTracker", () => {
  it("uses OpenAI's current chat rule for OpenAI models", () => {
    const tracker = new TokenTracker("gpt-4o");
    expect(tracker.isOpenAI).toBe(true);
    expect(tracker.encoding).toBe("o200k_base");
    expect(tracker.countContextTokens([{ role: "user", content: "Hello" }])).toBe(3 + 1 + 1 + 3);
    expect(tracker.countContextTokens(history)).toBe(countMessages(history, { model: "gpt-4o" }).total);
  });

  it("defaults to gpt-4o", () => {
    expect(new TokenTracker().model).toBe("gpt-4o");
  });

  it("joins contents with a newline for other models, with the fallback encoding", () => {
    const tracker = new TokenTracker("mistral-large");
    expect(tracker.isOpenAI).toBe(false);
    expect(tracker.encoding).toBe("o200k_base");
    const joined = "You are a helpful assistant.\nWhat is the capital of France?\nParis.";
    expect(tracker.countContextTokens(history)).toBe(getEncoder("o200k_base").count(joined));
  });

  it("tracks input (with context), output and total", () => {
    const tracker = new TokenTracker("gpt-4");
    const enc = getEncoder("cl100k_base");
    const usage = tracker.trackFullTokenUsage("And of Italy?", "Rome.", history);
    const context = tracker.countContextTokens(history);
    expect(usage).toEqual({
      contextTokens: context,
      inputTokens: context + enc.count("And of Italy?"),
      outputTokens: enc.count("Rome."),
      totalTokens: context + enc.count("And of Italy?") + enc.count("Rome."),
    });
    expect(tracker.trackFullTokenUsage("hi", "there").contextTokens).toBe(0);
    expect(tracker.predictOutputTokens(null as never)).toBe(0);
    expect(tracker.countContextTokens([])).toBe(0);
  });
});
