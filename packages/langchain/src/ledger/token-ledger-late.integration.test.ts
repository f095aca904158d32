import { ChatOpenAI } from "@langchain/openai";
import { type OpenAIServer, promptTokens, startOpenAIServer, type Usage } from "@tokenledger/openai-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { internalSizes } from "./ledger-internals.js";
import { TokenLedgerHandler } from "./token-ledger-handler.js";

// #32 with a real ChatOpenAI over HTTP: runs closed early are corrected by their real ends, and
// usage that says nothing is not a free call.

describe("2,000 concurrent ChatOpenAI calls through one handler with maxPending 500 (#32)", () => {
  let server: OpenAIServer;
  let served = { calls: 0, tokens: 0 };
  beforeAll(async () => {
    server = await startOpenAIServer({
      usage: (_request, _reply, counted) => {
        served.calls++;
        served.tokens += counted.total_tokens;
        return counted;
      },
    });
  });
  afterAll(() => server.close());

  it("every run closed as abandoned takes its real numbers when its end arrives: the ledger's sums equal the server's", async () => {
    served = { calls: 0, tokens: 0 };
    const ledger = new TokenLedgerHandler({ maxPending: 500 });
    const emitted = new Map<string, number>();
    ledger.onRecord((record) => void emitted.set(record.runId, (emitted.get(record.runId) ?? 0) + 1));
    const model = new ChatOpenAI({ model: "gpt-4o-mini", apiKey: "test", maxRetries: 0, configuration: { baseURL: server.baseURL } });
    const N = 2_000;
    const results = await Promise.allSettled(
      Array.from({ length: N }, (_, i) => model.invoke(`Question number ${i}: ${"why ".repeat(i % 17)}`, { callbacks: [ledger] })),
    );
    const records = ledger.records();
    const late = records.filter((r) => r.flags.includes("late"));
    // 2,000 sockets at once on a shared machine: a call may fail to connect ("Connection error."), never billed.
    const unreached = results.filter((r) => r.status === "rejected").length;
    expect(served.calls).toBe(N - unreached);
    expect(records).toHaveLength(N);
    expect(late.length).toBeGreaterThan(0);
    const ok = records.filter((r) => r.status === "ok");
    expect(ok).toHaveLength(served.calls);
    expect(ok.every((r) => r.source === "provider" && !r.flags.includes("abandoned"))).toBe(true);
    expect(records.filter((r) => r.status === "error").every((r) => r.totalTokens === 0)).toBe(true);
    expect(ledger.totals()).toMatchObject({ calls: N, errors: unreached, totalTokens: served.tokens });
    expect(ledger.totalsByModel()["gpt-4o-mini"]).toMatchObject({ calls: N, totalTokens: served.tokens });
    expect(ledger.traces().reduce((s, t) => s + t.totalTokens, 0)).toBe(served.tokens);
    // Each late run was emitted twice (closed early, then corrected), the others once.
    expect([...emitted.values()].reduce((s, n) => s + n, 0)).toBe(N + late.length);
    expect(ledger.pendingCount).toBe(0);
    expect(internalSizes(ledger)).toEqual({ inflight: 0, lineage: 0 });
    console.info(
      `2,000 concurrent, maxPending 500: ${late.length} runs closed early and corrected late (${unreached} never connected); ledger ${ledger.totals().totalTokens} tokens = server ${served.tokens}`,
    );
  }, 120_000);
});

describe("a stream longer than staleAfterMs that succeeds (#32)", () => {
  let server: OpenAIServer;
  beforeAll(async () => {
    server = await startOpenAIServer({ chunkDelayMs: 60, reply: () => ({ content: "one two three four five" }) });
  });
  afterAll(() => server.close());

  it("is swept as abandoned by the timer mid-stream, then ends as ok with the provider's numbers, flagged late", async () => {
    const ledger = new TokenLedgerHandler({ staleAfterMs: 40 });
    const model = new ChatOpenAI({ model: "gpt-4o-mini", apiKey: "test", maxRetries: 0, configuration: { baseURL: server.baseURL } });
    const statuses: string[] = [];
    ledger.onRecord(
      (record) => void statuses.push(`${record.status}:${record.flags.filter((f) => f === "late" || f === "abandoned").join()}`),
    );
    let text = "";
    for await (const chunk of await model.stream("Count to five", { callbacks: [ledger] })) text += String(chunk.content);
    const [record] = ledger.records();
    expect(text).toBe("one two three four five");
    expect(statuses).toEqual(["error:abandoned", "ok:late"]);
    expect(record).toMatchObject({
      status: "ok",
      source: "provider",
      inputTokens: promptTokens("gpt-4o-mini", server.requests.at(-1)!.messages),
    });
    expect(ledger.totals()).toMatchObject({ calls: 1, errors: 0 });
  });
});

describe("usage present but empty, null or zero, through a real ChatOpenAI (#32)", () => {
  let reported: unknown = {};
  let server: OpenAIServer;
  beforeAll(async () => {
    server = await startOpenAIServer({ usage: () => reported as Usage });
  });
  afterAll(() => server.close());
  const model = () => new ChatOpenAI({ model: "gpt-4o-mini", apiKey: "test", maxRetries: 0, configuration: { baseURL: server.baseURL } });
  const shapes: Array<[string, unknown]> = [
    ["{}", {}],
    ["nulls", { prompt_tokens: null, completion_tokens: null, total_tokens: null }],
    ["zeros", { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 }],
  ];

  for (const [name, usage] of shapes) {
    for (const mode of ["stream", "invoke"] as const) {
      it(`${name} through ${mode}: local counts (our estimate), not a free provider call`, async () => {
        reported = usage;
        const ledger = new TokenLedgerHandler();
        if (mode === "stream") for await (const _ of await model().stream("How many tokens is this?", { callbacks: [ledger] }));
        else await model().invoke("How many tokens is this?", { callbacks: [ledger] });
        const [record] = ledger.records();
        expect(record!.source).toBe("local");
        expect(record!.inputTokens).toBe(promptTokens("gpt-4o-mini", server.requests.at(-1)!.messages));
        expect(record!.outputTokens).toBeGreaterThan(0);
        expect(record!.costUsd).toBeGreaterThan(0);
      });
    }
  }

  it("total_tokens below prompt + completion is flagged inconsistent-total", async () => {
    reported = { prompt_tokens: 50, completion_tokens: 10, total_tokens: 55 };
    const ledger = new TokenLedgerHandler();
    await model().invoke("Hi", { callbacks: [ledger] });
    const [record] = ledger.records();
    expect(record).toMatchObject({ source: "provider", inputTokens: 50, outputTokens: 10, totalTokens: 60 });
    expect(record!.flags).toContain("inconsistent-total");
  });
});
