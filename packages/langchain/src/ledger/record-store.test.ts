import { describe, expect, it } from "vitest";
import type { LlmRunRecord } from "./ledger-record.js";
import { RecordStore } from "./record-store.js";

const record = (runId: string, rootRunId: string, model = "gpt-4o"): LlmRunRecord => ({
  runId,
  rootRunId,
  runName: "ChatOpenAI",
  model,
  status: "ok",
  contextTokens: 0,
  inputTokens: 10,
  outputTokens: 2,
  totalTokens: 12,
  source: "provider",
  invocationParams: { toolsCount: 0 },
  cached: false,
  startedAt: 0,
  endedAt: 1,
  durationMs: 1,
  flags: [],
  tags: [],
  metadata: {},
});

describe("RecordStore", () => {
  it("keeps traces newest first with their pending count, and evicts past its limits while totals keep counting", () => {
    const store = new RecordStore({ maxRecords: 2, maxTraces: 2, onListenerError: () => {} });
    for (const root of ["t1", "t2", "t3"]) {
      store.started(root);
      expect(store.trace(root)!.pending).toBe(1);
      store.add(record(`${root}-run`, root), 5n);
    }
    expect(store.traces().map((t) => [t.rootRunId, t.pending, t.calls])).toEqual([
      ["t3", 0, 1],
      ["t2", 0, 1],
    ]);
    expect(store.records().map((r) => r.runId)).toEqual(["t2-run", "t3-run"]);
    expect(store.totals()).toMatchObject({ calls: 3, inputTokens: 30, costUsd: 15e-12 });
  });

  it("hands a throwing or rejecting listener's error to onListenerError, and the other listeners still run", async () => {
    const errors: unknown[] = [];
    const store = new RecordStore({ maxRecords: 10, maxTraces: 10, onListenerError: (error) => errors.push(error) });
    const seen: string[] = [];
    store.onRecord(() => {
      throw new Error("sync");
    });
    store.onRecord(() => Promise.reject(new Error("async")));
    store.onRecord((r) => seen.push(r.runId));
    store.started("t");
    store.add(record("r", "t"), undefined);
    await Promise.resolve();
    expect(seen).toEqual(["r"]);
    expect(errors.map((e) => (e as Error).message)).toEqual(["sync", "async"]);
  });

  it("folds model names beyond 1,000 into (other)", () => {
    const store = new RecordStore({ maxRecords: 10, maxTraces: 10, onListenerError: () => {} });
    for (let i = 0; i < 1001; i++) store.add(record(`r${i}`, `r${i}`, `model-${i}`), undefined);
    const byModel = store.totalsByModel();
    expect(Object.keys(byModel)).toHaveLength(1001);
    expect(byModel["(other)"]!.calls).toBe(1);
  });
});
