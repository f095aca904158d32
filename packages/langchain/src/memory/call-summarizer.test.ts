import { AIMessage, HumanMessage } from "@langchain/core/messages";
import { afterEach, describe, expect, it, vi } from "vitest";
import { TrimError } from "../trim/index.js";
import { callSummarizer } from "./call-summarizer.js";
import { SummaryBuffer } from "./summary-buffer.js";

const MODEL = "gpt-4o-mini";
const conversation = () =>
  Array.from({ length: 12 }, (_, i) =>
    i % 2 ? new AIMessage(`Answer ${i} about 巴黎.`) : new HumanMessage(`Question ${i} about museums?`),
  );

/** A summarizer that never answers; it records the signal it was given. */
function hanging() {
  const signals: AbortSignal[] = [];
  return {
    signals,
    invoke: (_input: unknown, options?: { signal?: AbortSignal }) => {
      if (options?.signal) signals.push(options.signal);
      return new Promise<{ content: unknown }>(() => {});
    },
  };
}

afterEach(() => {
  vi.useRealTimers();
});

describe("a summarizer that hangs", () => {
  it("is cut off after summaryTimeoutMs, its signal aborted, and the prompt degrades to trimming", async () => {
    const summarizer = hanging();
    const buffer = new SummaryBuffer({ summarizer, model: MODEL, maxTokens: 80, summaryTimeoutMs: 50 });
    const started = Date.now();
    const result = await buffer.fit({ messages: conversation() });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(result).toMatchObject({ degraded: true, error: "the summarizer did not answer within 50 ms", summarizedCount: 0 });
    expect(result.promptTokens).toBeLessThanOrEqual(80);
    expect(summarizer.signals).toHaveLength(1);
    expect(summarizer.signals[0]!.aborted).toBe(true);
  });

  it("is cut off after 30 seconds by default", async () => {
    vi.useFakeTimers();
    const buffer = new SummaryBuffer({ summarizer: hanging(), model: MODEL, maxTokens: 80 });
    const pending = buffer.fit({ messages: conversation() });
    await vi.advanceTimersByTimeAsync(29_999);
    let settled = false;
    void pending.then(() => {
      settled = true;
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(await pending).toMatchObject({ degraded: true, error: "the summarizer did not answer within 30000 ms" });
  });

  it("Infinity sets no timer; bad values are one TrimError", async () => {
    vi.useFakeTimers();
    const answer = callSummarizer({ invoke: async () => ({ content: "ok" }) }, [], {}, Number.POSITIVE_INFINITY);
    expect(vi.getTimerCount()).toBe(0);
    expect(await answer).toEqual({ content: "ok" });
    for (const summaryTimeoutMs of [0, -1, Number.NaN, "30" as never]) {
      expect(() => new SummaryBuffer({ summarizer: hanging(), maxTokens: 80, summaryTimeoutMs })).toThrow(TrimError);
    }
    for (const lowWaterMark of [0, -0.5, 1.5, Number.NaN, "0.5" as never]) {
      expect(() => new SummaryBuffer({ summarizer: hanging(), maxTokens: 80, lowWaterMark })).toThrow(TrimError);
    }
  });

  it("a timer is cleared when the summarizer answers", async () => {
    vi.useFakeTimers();
    await callSummarizer({ invoke: async () => ({ content: "ok" }) }, [], {}, 30_000);
    expect(vi.getTimerCount()).toBe(0);
  });
});
