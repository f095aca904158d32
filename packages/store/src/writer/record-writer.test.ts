import type { LlmRunRecord } from "@tokenledger/langchain";
import { describe, expect, it } from "vitest";
import type { StoreErrorEvent } from "../contract/index.js";
import { sampleRecord } from "../store/sample-records.test-helper.js";
import { RecordWriter, type WriterStats } from "./record-writer.js";
import { writerOptions } from "./writer-options.js";

/** A sink that commits batches, failing the first `failures` writes. */
function sink(failures = 0) {
  const batches: string[][] = [];
  let left = failures;
  const write = async (records: LlmRunRecord[]) => {
    await new Promise((resolve) => setTimeout(resolve, 2));
    if (left-- > 0) throw new Error("connection refused");
    batches.push(records.map((r) => r.runId));
  };
  return { batches, write, committed: () => batches.flat() };
}

const stats = (): WriterStats => ({ written: 0, failedWrites: 0, dropped: 0 });
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("RecordWriter", () => {
  it("batched: writes once batchSize records wait, and the rest after flushMs", async () => {
    const s = sink();
    const st = stats();
    const w = new RecordWriter(s.write, writerOptions({ batchSize: 3, flushMs: 30, onError: () => {} }), st);
    for (let i = 0; i < 4; i++) expect(w.push(sampleRecord({ runId: `r${i}` }))).toBeUndefined();
    await wait(10);
    expect(s.batches).toEqual([["r0", "r1", "r2"]]);
    await wait(60);
    expect(s.batches).toEqual([["r0", "r1", "r2"], ["r3"]]);
    expect(st.written).toBe(4);
  });

  it("sync: each push settles once its record is committed; concurrent pushes share a write, in order", async () => {
    const s = sink();
    const w = new RecordWriter(s.write, writerOptions({ durability: "sync", onError: () => {} }), stats());
    const pushes = Array.from({ length: 20 }, (_, i) => w.push(sampleRecord({ runId: `r${i}` })));
    await pushes[0];
    expect(s.committed()).toContain("r0");
    await Promise.all(pushes);
    expect(s.committed()).toEqual(Array.from({ length: 20 }, (_, i) => `r${i}`));
    expect(s.batches.length).toBeLessThan(20);
  });

  it("an outage keeps the records, reports each failed write, retries with backoff, and never holds the chain", async () => {
    const s = sink(3);
    const st = stats();
    const events: StoreErrorEvent[] = [];
    const w = new RecordWriter(s.write, writerOptions({ durability: "sync", retryMs: 5, onError: (e) => events.push(e) }), st);
    await w.push(sampleRecord({ runId: "a" }));
    expect(s.committed()).toEqual([]);
    // while a retry is scheduled, a sync push does not wait
    expect(w.push(sampleRecord({ runId: "b" }))).toBeUndefined();
    for (let i = 0; i < 100 && s.committed().length < 2; i++) await wait(10);
    expect(s.committed()).toEqual(["a", "b"]);
    expect(st).toEqual({ written: 2, failedWrites: 3, dropped: 0 });
    expect(events.map((e) => e.kind)).toEqual(["write-failed", "write-failed", "write-failed"]);
    expect(events[0]?.message).toMatch(/writing 1 record failed \(kept, retried\): connection refused/);
  });

  it("past maxQueue drops new records, counts and reports each; never silently", async () => {
    const s = sink(1_000);
    const st = stats();
    const events: StoreErrorEvent[] = [];
    const w = new RecordWriter(s.write, writerOptions({ maxQueue: 3, batchSize: 10, retryMs: 10_000, onError: (e) => events.push(e) }), st);
    for (let i = 0; i < 5; i++) w.push(sampleRecord({ runId: `r${i}` }));
    expect(st.dropped).toBe(2);
    expect(events.filter((e) => e.kind === "dropped").flatMap((e) => e.runIds)).toEqual(["r3", "r4"]);
    expect(w.queued).toBe(3);
    await w.close();
    expect(st.dropped).toBe(5);
    expect(events.at(-1)).toMatchObject({
      kind: "dropped",
      runIds: ["r0", "r1", "r2"],
      message: expect.stringMatching(/before it closed/),
    });
  });

  it("keeps one record per run: a newer one replaces the queued one in place; a late one is never replaced by an older copy", async () => {
    const s = sink();
    const batches: LlmRunRecord[][] = [];
    const w = new RecordWriter(
      async (records) => {
        batches.push(records);
        await s.write(records);
      },
      writerOptions({ batchSize: 100, flushMs: 10_000, onError: () => {} }),
      stats(),
    );
    const late = sampleRecord({ runId: "a", outputTokens: 9, flags: ["late"] });
    w.push(sampleRecord({ runId: "a", flags: ["abandoned"] }));
    w.push(sampleRecord({ runId: "b" }));
    w.push(late);
    w.push(sampleRecord({ runId: "a", flags: ["abandoned"] }));
    await w.flush();
    expect(batches).toEqual([[late, sampleRecord({ runId: "b" })]]);
  });

  it("flush() during a write writes everything queued, not only the write in progress", async () => {
    const s = sink();
    const w = new RecordWriter(s.write, writerOptions({ batchSize: 2, flushMs: 60_000, onError: () => {} }), stats());
    for (let i = 0; i < 7; i++) w.push(sampleRecord({ runId: `r${i}` }));
    await w.flush();
    expect(s.committed()).toEqual(["r0", "r1", "r2", "r3", "r4", "r5", "r6"]);
  });

  it("close() writes what is queued; a closed writer drops and reports new records", async () => {
    const s = sink();
    const events: StoreErrorEvent[] = [];
    const st = stats();
    const w = new RecordWriter(s.write, writerOptions({ flushMs: 60_000, onError: (e) => events.push(e) }), st);
    w.push(sampleRecord({ runId: "a" }));
    await w.close();
    expect(s.committed()).toEqual(["a"]);
    w.push(sampleRecord({ runId: "b" }));
    expect(st.dropped).toBe(1);
    expect(events[0]?.message).toMatch(/the store is closed/);
  });

  it("rejects bad options with one clear error", () => {
    expect(() => writerOptions({ durability: "eventual" as never })).toThrow(/durability must be "sync" or "batched"/);
    expect(() => writerOptions({ batchSize: 0 })).toThrow(/batchSize must be a positive integer/);
    expect(() => writerOptions({ flushMs: Number.NaN })).toThrow(/flushMs must be a positive number/);
  });
});
