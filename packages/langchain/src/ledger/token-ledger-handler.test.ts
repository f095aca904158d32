import { AIMessage, HumanMessage, ToolMessage } from "@langchain/core/messages";
import { countTokens } from "@tokenledger/core";
import { describe, expect, it, vi } from "vitest";
import { internalSizes } from "./ledger-internals.js";
import { TokenLedgerHandler } from "./token-ledger-handler.js";

describe("TokenLedgerHandler under load", () => {
  it("closes runs that never end, so a long-running server does not grow", () => {
    // The clock moves only when the test moves it: a slow machine cannot age a run early.
    vi.useFakeTimers({ toFake: ["Date"] });
    try {
      const ledger = new TokenLedgerHandler({ staleAfterMs: 1_000 });
      const llm = { lc: 1, type: "not_implemented" as const, id: ["ChatOpenAI"] };
      ledger.handleChatModelStart(llm, [[new HumanMessage("never ends")]], "run-1", undefined, { invocation_params: { model: "gpt-4o" } });
      ledger.handleLLMNewToken("partial answer", { prompt: 0, completion: 0 }, "run-1");
      ledger.handleChainStart(llm, {}, "chain-1");
      vi.advanceTimersByTime(999);
      ledger.handleChainStart(llm, {}, "chain-2");
      expect(ledger.pendingCount).toBe(1);
      vi.advanceTimersByTime(1_001);
      ledger.handleChatModelStart(llm, [[new HumanMessage("next")]], "run-2", undefined, { invocation_params: { model: "gpt-4o" } });
      expect(ledger.getRun("run-1")).toMatchObject({ status: "error", outputTokens: countTokens("partial answer"), source: "local" });
      expect(ledger.getRun("run-1")!.flags).toContain("abandoned");
      expect(internalSizes(ledger)).toEqual({ inflight: 1, lineage: 0 });
    } finally {
      vi.useRealTimers();
    }
  });
});

describe("TokenLedgerHandler on bad input", () => {
  const llm = { lc: 1, type: "not_implemented" as const, id: ["Custom"] };

  it("flags null content, unknown blocks, malformed tool calls and unknown models instead of crashing", () => {
    const ledger = new TokenLedgerHandler();
    const weird = [
      new HumanMessage({
        content: [
          { type: "text", text: "hi" },
          { type: "mystery", payload: 1 },
        ] as never,
      }),
      Object.assign(new AIMessage(""), { content: null, tool_calls: [{ name: 42, args: "not an object" }] }),
      new ToolMessage({ content: "ok", tool_call_id: "call_0" }),
      null,
      { nonsense: true },
    ] as never;
    expect(() =>
      ledger.handleChatModelStart(llm, [weird], "bad-1", undefined, { invocation_params: { model: "my-own-llm" } }),
    ).not.toThrow();
    expect(() => ledger.handleLLMEnd({ generations: [[{ text: "fine" }]] }, "bad-1")).not.toThrow();
    const record = ledger.getRun("bad-1")!;
    expect(record.status).toBe("ok");
    expect(record.flags).toEqual(
      expect.arrayContaining(["unknown-model", "null-content", "unknown-content-block", "malformed-tool-call", "unknown-message"]),
    );
    expect(record.outputTokens).toBe(1);
    expect(record.estimatedInputTokens).toBeGreaterThan(0);
    expect(record.costUsd).toBeUndefined();
  });

  it("survives garbage events and a throwing listener", () => {
    const ledger = new TokenLedgerHandler();
    const seen: string[] = [];
    ledger.onRecord(() => {
      throw new Error("listener bug");
    });
    const stop = ledger.onRecord((r) => seen.push(r.runId));
    expect(() => ledger.handleChatModelStart(null as never, null as never, "g-1")).not.toThrow();
    expect(() => ledger.handleLLMEnd(null as never, "g-1")).not.toThrow();
    expect(() => ledger.handleLLMEnd({ generations: [] }, "never-started")).not.toThrow();
    expect(() => ledger.handleLLMError(new Error("x"), "never-started")).not.toThrow();
    stop();
    ledger.handleChatModelStart(llm, [[new HumanMessage("after")]], "g-2");
    ledger.handleLLMEnd({ generations: [[{ text: "" }]] }, "g-2");
    expect(seen).toEqual(["g-1"]);
    expect(ledger.records().map((r) => r.model)).toEqual(["unknown", "unknown"]);
    expect(ledger.pendingCount).toBe(0);
  });

  it("evicts the oldest records past maxRecords while totals keep every call", () => {
    const ledger = new TokenLedgerHandler({
      maxRecords: 2,
      pricing: { "my-model": { input_cost_per_token: 0.000001, output_cost_per_token: 0.000002 } },
    });
    for (let i = 0; i < 5; i++) {
      ledger.handleChatModelStart(llm, [[new HumanMessage("hello")]], `r${i}`, undefined, { invocation_params: { model: "my-model" } });
      ledger.handleLLMEnd(
        { generations: [[{ text: "x" }]], llmOutput: { tokenUsage: { promptTokens: 10, completionTokens: 1, totalTokens: 11 } } },
        `r${i}`,
      );
    }
    expect(ledger.records().map((r) => r.runId)).toEqual(["r3", "r4"]);
    expect(ledger.getRun("r0")).toBeUndefined();
    expect(ledger.totals()).toMatchObject({ calls: 5, inputTokens: 50, outputTokens: 5, costUsd: 0.00006 });
    expect(ledger.records()[0]!.source).toBe("provider");
  });
});

describe("TokenLedgerHandler.onRunStart", () => {
  const llm = { lc: 1, type: "not_implemented" as const, id: ["ChatOpenAI"] };
  it("announces each chat run's start with what it was sent, counting locally or not; a throwing listener is reported, not raised", () => {
    for (const countLocally of [true, false]) {
      const events: unknown[] = [];
      const ledger = new TokenLedgerHandler({ countLocally, onError: (e) => events.push(e.method) });
      const starts: unknown[] = [];
      ledger.onRunStart(() => {
        throw new Error("listener bug");
      });
      const stop = ledger.onRunStart((start) => starts.push(start));
      const sent = [new HumanMessage("Hi")];
      const tools = [{ type: "function", function: { name: "f", parameters: {} } }];
      expect(() =>
        ledger.handleChatModelStart(llm, [sent], "s-1", undefined, { invocation_params: { model: "gpt-4o", tools } }),
      ).not.toThrow();
      expect(starts).toEqual([{ runId: "s-1", model: "gpt-4o", messages: sent, tools }]);
      expect((starts[0] as { messages: unknown }).messages).toBe(sent);
      expect(events).toEqual(["onRunStart"]);
      ledger.handleChatModelStart(llm, null as never, "s-2");
      ledger.handleChatModelStart(llm, [sent], "s-1");
      expect(starts).toHaveLength(1);
      stop();
      ledger.handleChatModelStart(llm, [sent], "s-3");
      expect(starts).toHaveLength(1);
      expect(ledger.pendingCount).toBe(3);
    }
  });
});

describe("TokenLedgerHandler attribution and waiting listeners", () => {
  it("records tags, metadata, user and thread from a real invoke, and `invoke` waits for a `wait` listener", async () => {
    const { FakeListChatModel } = await import("@langchain/core/utils/testing");
    const ledger = new TokenLedgerHandler();
    const committed: string[] = [];
    ledger.onRecord(
      async (record) => {
        await new Promise((resolve) => setTimeout(resolve, 30));
        committed.push(record.runId);
      },
      { wait: true },
    );
    const model = new FakeListChatModel({ responses: ["ok"] });
    const runId = "6f1c1a4e-0000-4000-8000-000000000001";
    await model.invoke("hi", {
      callbacks: [ledger],
      runId,
      tags: ["prod"],
      metadata: { user_id: "u-1", tenant_id: "acme", thread_id: "t-9" },
    });
    expect(committed).toEqual([runId]);
    const record = ledger.getRun(runId);
    expect(record).toMatchObject({ userId: "u-1", threadId: "t-9", tenantId: "acme", tags: ["prod"] });
    expect(record?.metadata.user_id).toBe("u-1");
    expect(ledger.getTrace(runId)).toMatchObject({ userId: "u-1", threadId: "t-9", tenantId: "acme" });
  });
});
