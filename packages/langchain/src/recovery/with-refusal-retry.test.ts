import { RunnableLambda } from "@langchain/core/runnables";
import { describe, expect, it } from "vitest";
import { ContextWindowExceededError } from "./context-window-exceeded-error.js";
import { withRefusalRetry } from "./with-refusal-retry.js";

const REFUSAL = "400 prompt is too long: 1200 tokens > 1000 maximum";

/** A runnable that fails with `errors` in turn, then answers. */
function failing(errors: Error[]) {
  let calls = 0;
  const runnable = RunnableLambda.from(async (input: string) => {
    const error = errors[calls++];
    if (error) throw error;
    return `ok ${input}`;
  });
  return { runnable, calls: () => calls };
}

describe("withRefusalRetry", () => {
  it("retries once after the listener learned, with the same input and config", async () => {
    const { runnable, calls } = failing([new Error(REFUSAL)]);
    const seen: unknown[] = [];
    const chat = withRefusalRetry(runnable, (_error, refusal, config) => {
      seen.push(refusal.inputTokens, config?.configurable?.sessionId);
      return true;
    });
    await expect(chat.invoke("hi", { configurable: { sessionId: "s" } })).resolves.toBe("ok hi");
    expect(calls()).toBe(2);
    expect(seen).toEqual([1200, "s"]);
  });

  it("a second refusal, or a listener that cannot act, is a ContextWindowExceededError; other errors pass unchanged", async () => {
    const twice = failing([new Error(REFUSAL), new Error(REFUSAL)]);
    const error = await withRefusalRetry(twice.runnable, () => true, "claude-sonnet-4-5")
      .invoke("x")
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ContextWindowExceededError);
    expect(error).toMatchObject({ retried: true, requestedTokens: 1200, maxTokens: 1000, model: "claude-sonnet-4-5" });

    const stuck = failing([new Error(REFUSAL)]);
    const refused = await withRefusalRetry(stuck.runnable, async () => false)
      .invoke("x")
      .catch((e: unknown) => e);
    expect(refused).toMatchObject({ name: "ContextWindowExceededError", retried: false });
    expect(stuck.calls()).toBe(1);

    const other = new Error("429 rate limited");
    const rate = failing([other]);
    await expect(withRefusalRetry(rate.runnable, () => true).invoke("x")).rejects.toBe(other);
    expect(rate.calls()).toBe(1);
  });
});
