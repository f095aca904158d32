import { HumanMessage } from "@langchain/core/messages";
import { describe, expect, it, vi } from "vitest";
import { expectSound, llm } from "./expect-sound.test-helper.js";
import { type LedgerDebugEvent, TokenLedgerHandler } from "./token-ledger-handler.js";

describe("whatever throws inside the handler", () => {
  const throwing = (what: string) =>
    Object.defineProperty({}, what, {
      get() {
        throw new Error(`${what} exploded`);
      },
      enumerable: true,
    });

  it("objects where strings belong, throwing getters and a hostile error end as records and are reported on onError", () => {
    const events: LedgerDebugEvent[] = [];
    const ledger = new TokenLedgerHandler({ onError: (event) => events.push(event) });
    const hi = [[new HumanMessage("hi")]];
    const bare = Object.create(null);
    ledger.handleChatModelStart({ ...llm, id: [bare] }, hi, "r1", undefined, { invocation_params: { model: "gpt-4o", stop: bare } }, [], {
      ls_model_name: bare,
    });
    ledger.handleLLMEnd({ generations: [[{ text: "ok" }]] }, "r1");
    ledger.handleChatModelStart(llm, hi, "r2", undefined, throwing("invocation_params"));
    ledger.handleLLMEnd(throwing("generations") as never, "r2");
    ledger.handleChatModelStart(llm, hi, "r3", undefined, { invocation_params: { model: "gpt-4o" } });
    ledger.handleLLMEnd({ generations: [[{ text: "ok", message: { response_metadata: throwing("model_name") } } as never]] }, "r3");
    ledger.handleChatModelStart(llm, hi, "r4", undefined, { invocation_params: { model: "gpt-4o" } });
    ledger.handleLLMError(bare, "r4");
    ledger.handleChatModelStart(llm, hi, "r5", undefined, { invocation_params: { model: "gpt-4o" } });
    ledger.handleLLMEnd(
      { generations: [[{ text: "ok" }]], llmOutput: { tokenUsage: { promptTokens: Number.NaN, completionTokens: 3 } } },
      "r5",
    );
    for (const id of ["r1", "r2", "r3", "r4", "r5"]) expectSound(ledger, ledger.getRun(id));
    expect(ledger.getRun("r1")).toMatchObject({ model: "gpt-4o", runName: "llm", invocationParams: { toolsCount: 0 } });
    expect(ledger.getRun("r2")!.flags).toContain("handler-error");
    expect(ledger.getRun("r2")).toMatchObject({ model: "unknown", outputTokens: 0 });
    expect(ledger.getRun("r3")!.flags).toContain("handler-error");
    expect(ledger.getRun("r3")!.responseModel).toBeUndefined();
    expect(ledger.getRun("r4")).toMatchObject({ status: "error", error: "unknown error" });
    expect(ledger.getRun("r5")).toMatchObject({ source: "local", outputTokens: 1 });
    expect(ledger.getRun("r5")!.flags).toContain("invalid-usage");
    expect(ledger.getRun("r5")!.costUsd).toBeGreaterThan(0);
    expect(ledger.totals().calls).toBe(5);
    expect(events.map((e) => e.runId)).toEqual(expect.arrayContaining(["r2", "r3", "r5"]));
    expect(events.every((e) => typeof e.message === "string" && !e.message.includes("\n"))).toBe(true);
  });

  it("a second start with the same run id is ignored and reported; the run ends once", () => {
    const events: LedgerDebugEvent[] = [];
    const ledger = new TokenLedgerHandler({ onError: (event) => events.push(event) });
    ledger.handleChatModelStart(llm, [[new HumanMessage("hi")]], "dup", undefined, { invocation_params: { model: "gpt-4o" } });
    ledger.handleChatModelStart(llm, [[new HumanMessage("hi again")]], "dup", undefined, { invocation_params: { model: "gpt-4o" } });
    ledger.handleLLMEnd({ generations: [[{ text: "ok" }]] }, "dup");
    ledger.handleLLMEnd({ generations: [[{ text: "ok" }]] }, "dup");
    expectSound(ledger, ledger.getRun("dup"));
    expect(ledger.totals().calls).toBe(1);
    expect(ledger.getTrace("dup")!.pending).toBe(0);
    expect(events).toEqual([
      expect.objectContaining({ method: "handleChatModelStart", runId: "dup", message: "duplicate start event ignored" }),
    ]);
  });

  it("an async onRecord listener that rejects is caught like a throw and reported", async () => {
    const events: LedgerDebugEvent[] = [];
    const ledger = new TokenLedgerHandler({ onError: (event) => events.push(event) });
    const seen: string[] = [];
    ledger.onRecord(async () => {
      throw new Error("listener rejected");
    });
    ledger.onRecord(async (record) => {
      seen.push(record.runId);
    });
    ledger.handleChatModelStart(llm, [[new HumanMessage("hi")]], "async-1");
    ledger.handleLLMEnd({ generations: [[{ text: "ok" }]] }, "async-1");
    await new Promise((resolve) => setImmediate(resolve));
    expect(seen).toEqual(["async-1"]);
    expect(events).toEqual([
      expect.objectContaining({ method: "onRecord", runId: "async-1", message: "listener failed: listener rejected" }),
    ]);
  });

  it("without onError, reports go to console.debug only when TOKENLEDGER_DEBUG is set", () => {
    const debug = vi.spyOn(console, "debug").mockImplementation(() => {});
    try {
      vi.stubEnv("TOKENLEDGER_DEBUG", "");
      const quiet = new TokenLedgerHandler();
      quiet.handleChatModelStart(llm, [[new HumanMessage("hi")]], "q", undefined, throwing("invocation_params"));
      expect(debug).not.toHaveBeenCalled();
      vi.stubEnv("TOKENLEDGER_DEBUG", "1");
      const loud = new TokenLedgerHandler();
      loud.handleChatModelStart(llm, [[new HumanMessage("hi")]], "l", undefined, throwing("invocation_params"));
      expect(debug).toHaveBeenCalledWith("[tokenledger] handleChatModelStart l: unreadable: invocation_params");
    } finally {
      vi.unstubAllEnvs();
      debug.mockRestore();
    }
  });

  it("a throwing onError never reaches the chain", () => {
    const ledger = new TokenLedgerHandler({
      onError: () => {
        throw new Error("debug channel down");
      },
    });
    expect(() => ledger.handleChatModelStart(llm, [[new HumanMessage("hi")]], "x", undefined, throwing("invocation_params"))).not.toThrow();
    expect(() => ledger.handleLLMEnd({ generations: [[{ text: "ok" }]] }, "x")).not.toThrow();
    expectSound(ledger, ledger.getRun("x"));
  });
});
