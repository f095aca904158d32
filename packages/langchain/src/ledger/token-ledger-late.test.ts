import { AIMessage, HumanMessage } from "@langchain/core/messages";
import { afterEach, describe, expect, it, vi } from "vitest";
import { llm } from "./expect-sound.test-helper.js";
import { internalSizes } from "./ledger-internals.js";
import { type LlmRunRecord, TokenLedgerHandler } from "./token-ledger-handler.js";

// Guarantee 2 of #32: a run closed early (abandoned: maxPending overflow, staleAfterMs) is
// corrected when its real end comes, re-emitted flagged `late`, and every sum moves by the difference.

const start = (ledger: TokenLedgerHandler, runId: string, parent?: string, metadata?: Record<string, unknown>) =>
  ledger.handleChatModelStart(
    llm,
    [[new HumanMessage(`question ${runId}`)]],
    runId,
    parent,
    { invocation_params: { model: "gpt-4o" } },
    [],
    metadata,
  );
const usage = (input: number, output: number, total = input + output) => ({
  generations: [[{ text: "answer" }]],
  llmOutput: { tokenUsage: { promptTokens: input, completionTokens: output, totalTokens: total } },
});

afterEach(() => {
  vi.useRealTimers();
});

describe("a run closed early is corrected when it ends (#32)", () => {
  it("maxPending overflow: the late end replaces the abandoned record, re-emitted with the same runId, sums move by the difference", async () => {
    const ledger = new TokenLedgerHandler({ maxPending: 2 });
    const seen: LlmRunRecord[] = [];
    ledger.onRecord((record) => void seen.push(record));
    ledger.handleChainStart(llm, {}, "root");
    for (const id of ["a", "b", "c"]) start(ledger, id, "root");
    expect(ledger.getRun("a")).toMatchObject({ status: "error", inputTokens: 0, outputTokens: 0 });
    expect(ledger.getRun("a")!.flags).toContain("abandoned");
    await ledger.handleLLMEnd(usage(100, 10), "a");
    await ledger.handleLLMEnd(usage(200, 20), "b");
    await ledger.handleLLMEnd(usage(300, 30), "c");
    ledger.handleChainEnd({}, "root");
    const a = ledger.getRun("a")!;
    expect(a).toMatchObject({ status: "ok", source: "provider", inputTokens: 100, outputTokens: 10, totalTokens: 110 });
    expect(a.flags).toContain("late");
    expect(a.flags).not.toContain("abandoned");
    expect(a.error).toBeUndefined();
    expect(seen.map((r) => r.runId)).toEqual(["a", "a", "b", "c"]);
    expect(seen[1]).toBe(a);
    expect(ledger.records()).toHaveLength(3);
    expect(ledger.totals()).toMatchObject({ calls: 3, errors: 0, inputTokens: 600, outputTokens: 60 });
    expect(ledger.totalsByModel()["gpt-4o"]).toMatchObject({ calls: 3, errors: 0, inputTokens: 600, outputTokens: 60 });
    expect(ledger.totals().costUsd).toBeCloseTo(
      ledger.records().reduce((s, r) => s + (r.costUsd ?? 0), 0),
      12,
    );
    expect(ledger.getTrace("root")).toMatchObject({ calls: 3, errors: 0, inputTokens: 600, outputTokens: 60, pending: 0 });
    expect(internalSizes(ledger)).toEqual({ inflight: 0, lineage: 0 });
    // A second end of the same run changes nothing.
    await ledger.handleLLMEnd(usage(999, 999), "a");
    expect(ledger.totals()).toMatchObject({ calls: 3, inputTokens: 600 });
    expect(seen).toHaveLength(4);
  });

  it("a call longer than staleAfterMs that succeeds ends as ok with its real numbers, flagged late; its streamed tokens are kept", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const ledger = new TokenLedgerHandler({ staleAfterMs: 1_000 });
    start(ledger, "slow");
    ledger.handleLLMNewToken("Hello", { prompt: 0, completion: 0 }, "slow");
    vi.advanceTimersByTime(5_000);
    start(ledger, "next");
    expect(ledger.getRun("slow")!.flags).toContain("abandoned");
    ledger.handleLLMNewToken(" there", { prompt: 0, completion: 0 }, "slow");
    await ledger.handleLLMEnd({ generations: [[{ text: "Hello there" }]] }, "slow");
    const slow = ledger.getRun("slow")!;
    expect(slow).toMatchObject({ status: "ok", source: "local", outputTokens: 2 });
    expect(slow.inputTokens).toBe(slow.estimatedInputTokens);
    expect(slow.flags).toEqual(expect.arrayContaining(["late"]));
    expect(ledger.totals()).toMatchObject({ calls: 1, errors: 0, inputTokens: slow.inputTokens, outputTokens: 2 });
  });

  it("a late error also replaces the abandoned record (still an error, real message)", async () => {
    const ledger = new TokenLedgerHandler({ maxPending: 1 });
    start(ledger, "a");
    start(ledger, "b");
    await ledger.handleLLMError(new Error("429 Too Many Requests"), "a");
    expect(ledger.getRun("a")).toMatchObject({ status: "error", error: "429 Too Many Requests" });
    expect(ledger.getRun("a")!.flags).toContain("late");
    expect(ledger.totals()).toMatchObject({ calls: 1, errors: 1 });
  });

  it("the closed runs awaiting a late end are bounded: max(maxRecords, maxPending)", async () => {
    const ledger = new TokenLedgerHandler({ maxPending: 1, maxRecords: 5 });
    for (let i = 0; i <= 20; i++) start(ledger, `r${i}`);
    expect(ledger.totals().calls).toBe(20);
    await ledger.handleLLMEnd(usage(10, 1), "r0"); // evicted from the closed-early map: ignored
    await ledger.handleLLMEnd(usage(10, 1), "r19");
    expect(ledger.totals()).toMatchObject({ calls: 20, errors: 19, inputTokens: 10 });
  });

  it("sweeps on a timer: after a consumer stops reading a stream, pendingCount drops without another run starting", async () => {
    const ledger = new TokenLedgerHandler({ staleAfterMs: 40 });
    start(ledger, "broken-stream");
    ledger.handleLLMNewToken("partial", { prompt: 0, completion: 0 }, "broken-stream");
    expect(ledger.pendingCount).toBe(1);
    await vi.waitFor(() => expect(ledger.pendingCount).toBe(0), { timeout: 2_000, interval: 10 });
    expect(ledger.getRun("broken-stream")!.flags).toContain("abandoned");
    expect(internalSizes(ledger)).toEqual({ inflight: 0, lineage: 0 });
  });
});

describe("usage that says nothing, and totals that do not add up (#32)", () => {
  it("usage present but empty, null or zero is missing usage (local counts), not a free provider call", () => {
    const shapes: unknown[] = [
      { input_tokens: 0, output_tokens: 0, total_tokens: 0 },
      { input_tokens: null, output_tokens: null, total_tokens: null },
      {},
    ];
    for (const [i, usage_metadata] of shapes.entries()) {
      const ledger = new TokenLedgerHandler();
      start(ledger, `z${i}`);
      const message = Object.assign(new AIMessage("Hi there"), { usage_metadata });
      ledger.handleLLMEnd({ generations: [[{ text: "Hi there", message } as never]], llmOutput: { tokenUsage: {} } }, `z${i}`);
      const record = ledger.getRun(`z${i}`)!;
      expect(record.source).toBe("local");
      expect(record.inputTokens).toBe(record.estimatedInputTokens);
      expect(record.inputTokens).toBeGreaterThan(0);
      expect(record.outputTokens).toBe(2);
    }
  });

  it("total_tokens below input + output is flagged inconsistent-total; the record's total is their sum", () => {
    const errors: string[] = [];
    const ledger = new TokenLedgerHandler({ onError: (e) => void errors.push(e.message) });
    start(ledger, "t");
    ledger.handleLLMEnd(usage(50, 10, 55), "t");
    const record = ledger.getRun("t")!;
    expect(record).toMatchObject({ source: "provider", inputTokens: 50, outputTokens: 10, totalTokens: 60 });
    expect(record.flags).toContain("inconsistent-total");
    expect(errors.join()).toMatch(/total_tokens/);
  });
});

describe("budget attribution (#33)", () => {
  it("a BudgetExceededError (matched by name) flags budget-exceeded; budgets come from metadata.tokenledger_budgets", async () => {
    const ledger = new TokenLedgerHandler();
    start(ledger, "b", undefined, { tokenledger_budgets: ["user:u1", 7, "tenant:t1"] });
    const error = Object.assign(new Error("budget user:u1 exceeded"), { name: "BudgetExceededError" });
    await ledger.handleLLMError(error, "b");
    const record = ledger.getRun("b")!;
    expect(record.flags).toContain("budget-exceeded");
    expect(record.budgets).toEqual(["user:u1", "tenant:t1"]);
    start(ledger, "plain");
    await ledger.handleLLMError(new Error("500"), "plain");
    expect(ledger.getRun("plain")!.flags).not.toContain("budget-exceeded");
    expect(ledger.getRun("plain")!.budgets).toBeUndefined();
  });
});
