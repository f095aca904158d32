import { HumanMessage } from "@langchain/core/messages";
import { ChatOpenAI } from "@langchain/openai";
import { type OpenAIServer, promptTokens, startOpenAIServer, textTokens, type Usage } from "@tokenledger/openai-server";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type LedgerDebugEvent, type LlmRunRecord, TokenLedgerHandler } from "./token-ledger-handler.js";

// "No run is ever lost": whatever the provider reports and whatever throws inside the handler,
// the run ends as one record with non-negative integer numbers, a flag, and nothing pending.

const llm = { lc: 1, type: "not_implemented" as const, id: ["Custom"] };

function expectSound(ledger: TokenLedgerHandler, record: LlmRunRecord | undefined) {
  expect(record).toBeDefined();
  for (const n of [record!.inputTokens, record!.outputTokens, record!.totalTokens, record!.contextTokens]) {
    expect(Number.isSafeInteger(n) && n >= 0).toBe(true);
  }
  expect(record!.totalTokens).toBe(record!.inputTokens + record!.outputTokens);
  if (record!.costUsd !== undefined) expect(record!.costUsd >= 0 && Number.isFinite(record!.costUsd)).toBe(true);
  expect(ledger.pendingCount).toBe(0);
  expect(ledger.getTrace(record!.rootRunId)!.pending).toBe(0);
  expect(ledger._internalSizes()).toEqual({ inflight: 0, lineage: 0 });
}

describe("hostile usage from a real ChatOpenAI over HTTP", () => {
  let reported: Record<string, unknown> = {};
  let server: OpenAIServer;
  beforeAll(async () => {
    server = await startOpenAIServer({ usage: () => reported as unknown as Usage });
  });
  afterAll(() => server.close());

  const cases: Array<[string, Record<string, unknown>]> = [
    ["a fractional prompt_tokens", { prompt_tokens: 10.5, completion_tokens: 3, total_tokens: 13.5 }],
    [
      "a fractional cached_tokens",
      { prompt_tokens: 10, completion_tokens: 3, total_tokens: 13, prompt_tokens_details: { cached_tokens: 2.5 } },
    ],
    [
      "more cached tokens than prompt tokens",
      { prompt_tokens: 10, completion_tokens: 3, total_tokens: 13, prompt_tokens_details: { cached_tokens: 500 } },
    ],
    ["a negative prompt_tokens", { prompt_tokens: -10, completion_tokens: 3, total_tokens: -7 }],
    ["a string prompt_tokens", { prompt_tokens: "12", completion_tokens: 3, total_tokens: 15 }],
    ["a total below the input", { prompt_tokens: 50, total_tokens: 10 }],
    ["huge numbers", { prompt_tokens: 1e20, completion_tokens: 1e20, total_tokens: 2e20 }],
  ];

  for (const [name, usage] of cases) {
    it(`${name}: flagged invalid-usage, our counts used, source local`, async () => {
      reported = usage;
      const ledger = new TokenLedgerHandler();
      const model = new ChatOpenAI({ model: "gpt-4o-mini", apiKey: "test", maxRetries: 0, configuration: { baseURL: server.baseURL } });
      const result = await model.invoke("How many tokens is this?", { callbacks: [ledger] });
      const request = server.requests.at(-1)!;
      const [record] = ledger.records();
      expectSound(ledger, record);
      expect(record).toMatchObject({
        source: "local",
        inputTokens: promptTokens("gpt-4o-mini", request.messages),
        outputTokens: textTokens("gpt-4o-mini", String(result.content)),
      });
      expect(record!.flags).toContain("invalid-usage");
      expect(record!.reported).toBeUndefined();
      expect(ledger.totals()).toMatchObject({ calls: 1, inputTokens: record!.inputTokens, cachedInputTokens: 0 });
    });
  }

  it("missing numbers (NaN arrives as null) are not a problem: the provider's others are kept", async () => {
    reported = { prompt_tokens: Number.NaN, completion_tokens: 4, total_tokens: null };
    const ledger = new TokenLedgerHandler();
    const model = new ChatOpenAI({ model: "gpt-4o-mini", apiKey: "test", maxRetries: 0, configuration: { baseURL: server.baseURL } });
    await model.invoke("Hi", { callbacks: [ledger] });
    const record = ledger.records()[0];
    expectSound(ledger, record);
    expect(record).toMatchObject({
      source: "provider",
      outputTokens: 4,
      inputTokens: promptTokens("gpt-4o-mini", server.requests.at(-1)!.messages),
    });
    expect(record!.flags).not.toContain("invalid-usage");
  });
});

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

describe("errors and aborts", () => {
  let server: OpenAIServer;
  beforeAll(async () => {
    server = await startOpenAIServer({
      fail: (request) => {
        const text = String(request.messages.at(-1)?.content);
        if (text === "rate")
          return { status: 429, type: "rate_limit_exceeded", message: "Rate limit reached for gpt-4o-mini on tokens per min." };
        if (text === "abort-text") return { status: 400, message: "Request aborted by the moderation filter." };
        return undefined;
      },
    });
  });
  afterAll(() => server.close());
  const model = () => new ChatOpenAI({ model: "gpt-4o-mini", apiKey: "test", maxRetries: 0, configuration: { baseURL: server.baseURL } });

  it("record.error is the provider's message on one line, without LangChain's troubleshooting text", async () => {
    const ledger = new TokenLedgerHandler();
    const thrown = await model()
      .invoke("rate", { callbacks: [ledger] })
      .catch((e: Error) => e);
    expect(String((thrown as Error).message)).toContain("\n");
    const record = ledger.records()[0]!;
    expect(record.error).toBe((thrown as Error).message.split("\n")[0]!.trim());
    expect(record.error).toContain("Rate limit reached for gpt-4o-mini on tokens per min.");
    expect(record.error).not.toMatch(/Troubleshooting|\n/);
    expect(record.flags).not.toContain("aborted");
  });

  it("a message that mentions aborting is not an abort; an AbortError or the run's AbortSignal is", async () => {
    const ledger = new TokenLedgerHandler();
    await expect(model().invoke("abort-text", { callbacks: [ledger] })).rejects.toThrow(/aborted by the moderation filter/);
    expect(ledger.records()[0]!.flags).not.toContain("aborted");

    ledger.handleChatModelStart(llm, [[new HumanMessage("hi")]], "typed");
    ledger.handleLLMError(new DOMException("The user aborted a request.", "AbortError"), "typed");
    expect(ledger.getRun("typed")!.flags).toContain("aborted");

    const controller = new AbortController();
    controller.abort();
    await expect(model().invoke("never sent", { callbacks: [ledger], signal: controller.signal })).rejects.toThrow();
    expect(ledger.pendingCount).toBe(0);
  });
});
