import type { LlmRunRecord } from "@tokenledger/langchain";
import fc from "fast-check";
import { afterAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { LedgerStore, UsageDimension, UsageQuery, UsageRow } from "../contract/index.js";
import { utcDay } from "../sql/index.js";
import { DAY, sampleRecord, sampleRecords, T0 } from "./sample-records.test-helper.js";

/** Opens a fresh, empty store (its own file or database) each time. */
export type OpenStore = () => Promise<LedgerStore>;

const DIMENSIONS: UsageDimension[] = ["model", "user", "tenant", "thread", "day", "trace"];

/** What `usage()` must answer, computed from the records in memory. */
export function expectedUsage(records: LlmRunRecord[], query: UsageQuery): UsageRow[] {
  const since = query.since === undefined ? -Infinity : Number(query.since);
  const until = query.until === undefined ? Infinity : Number(query.until);
  const keyOf = (r: LlmRunRecord, d: UsageDimension) =>
    ({
      model: r.model,
      user: r.userId ?? null,
      tenant: r.tenantId ?? null,
      thread: r.threadId ?? null,
      day: utcDay(r.startedAt),
      trace: r.rootRunId,
    })[d];
  const groups = new Map<string, UsageRow>();
  for (const r of records) {
    if (r.startedAt < since || r.startedAt >= until) continue;
    if (query.where?.userId !== undefined && r.userId !== query.where.userId) continue;
    if (query.where?.model !== undefined && r.model !== query.where.model) continue;
    const keys = Object.fromEntries((query.by ?? []).map((d) => [d, keyOf(r, d)]));
    const id = JSON.stringify(keys);
    const row = groups.get(id) ?? {
      ...keys,
      calls: 0,
      errors: 0,
      inputTokens: 0,
      outputTokens: 0,
      totalTokens: 0,
      costUsd: 0,
      unpricedCalls: 0,
    };
    row.calls++;
    if (r.status === "error") row.errors++;
    row.inputTokens += r.inputTokens;
    row.outputTokens += r.outputTokens;
    row.totalTokens += r.totalTokens;
    if (r.costUsd === undefined) row.unpricedCalls++;
    else row.costUsd += Math.round(r.costUsd * 1e12);
    groups.set(id, row);
  }
  return [...groups.values()].map((row) => ({ ...row, costUsd: row.costUsd / 1e12 }));
}

const byKeys = (rows: UsageRow[]) => [...rows].sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));

/**
 * The `LedgerStore` contract, run against every implementation: both must give the same answers.
 *
 * @example
 * ```ts
 * describeLedgerStore("sqlite", () => createSqliteStore({ path: freshFile() }));
 * ```
 */
export function describeLedgerStore(name: string, open: OpenStore): void {
  describe(`LedgerStore contract: ${name}`, () => {
    let store: LedgerStore;
    const opened: LedgerStore[] = [];
    beforeEach(async () => {
      store = await open();
      opened.push(store);
    });
    afterAll(async () => {
      for (const s of opened) await s.close();
    });

    it("keeps each record whole: runs() gives back exactly what was written, newest first, limited", async () => {
      const records = sampleRecords();
      await store.write(records);
      const trace = records.filter((r) => r.rootRunId === "trace-3");
      expect(await store.runs({ traceId: "trace-3" })).toEqual([...trace].reverse());
      expect(await store.runs({ traceId: "trace-3", limit: 2 })).toEqual(trace.slice(-2).reverse());
      const alice = records.filter((r) => r.userId === "alice");
      expect(await store.runs({ userId: "alice", limit: 10_000 })).toEqual([...alice].sort((a, b) => b.startedAt - a.startedAt));
      expect((await store.runs({ threadId: "thread-1" })).map((r) => r.runId)).toEqual(
        records
          .filter((r) => r.threadId === "thread-1")
          .map((r) => r.runId)
          .reverse(),
      );
      expect(await store.runs({ traceId: "no-such-trace" })).toEqual([]);
    });

    it("reads a user's or thread's runs day by day: limits across days, days without them skipped", async () => {
      const records = sampleRecords();
      const carol = sampleRecord({ runId: "carol-1", userId: "carol", threadId: "thread-c", startedAt: T0 - 5 * DAY });
      await store.write([...records, carol]);
      const alice = records.filter((r) => r.userId === "alice").sort((a, b) => b.startedAt - a.startedAt);
      const firstDay = alice.filter((r) => r.startedAt < T0 + DAY).length;
      for (const limit of [1, alice.length - firstDay, alice.length - firstDay + 1, alice.length, alice.length + 1])
        expect(await store.runs({ userId: "alice", limit })).toEqual(alice.slice(0, limit));
      expect(await store.runs({ userId: "carol" })).toEqual([carol]);
      expect(await store.runs({ threadId: "thread-c" })).toEqual([carol]);
      expect(await store.runs({ userId: "nobody" })).toEqual([]);
    });

    it("answers usage() for every grouping exactly as the records sum up (costs summed exactly)", async () => {
      const records = sampleRecords();
      await store.write(records);
      const queries: UsageQuery[] = [
        {},
        ...DIMENSIONS.map((d) => ({ by: [d] })),
        { by: ["user", "model"] },
        { by: ["tenant", "day", "model"] },
        { by: ["model"], since: T0 + 86_400_000 },
        { by: ["user"], since: T0 + 10_000, until: T0 + 86_400_000 + 40_000 },
        { by: ["model"], where: { userId: "alice" } },
        { by: ["day"], where: { model: "nobody-knows" } },
      ];
      for (const query of queries)
        expect(byKeys(await store.usage(query)), JSON.stringify(query)).toEqual(byKeys(expectedUsage(records, query)));
      const [all] = await store.usage();
      expect(all?.costUsd).toBe(Number(records.reduce((s, r) => s + BigInt(Math.round((r.costUsd ?? 0) * 1e12)), 0n)) / 1e12);
      expect(all?.unpricedCalls).toBe(20);
      expect(await store.usage({ where: { userId: "nobody" } })).toEqual([]);
    });

    it("orders groups the same in every database: missing keys first, then by code unit", async () => {
      await store.write([
        sampleRecord({ runId: "a", userId: "b" }),
        sampleRecord({ runId: "b", userId: "B" }),
        sampleRecord({ runId: "c", userId: "é" }),
        sampleRecord({ runId: "d" }),
        sampleRecord({ runId: "e", userId: "a-z" }),
        sampleRecord({ runId: "f", userId: "az" }),
      ]);
      expect((await store.usage({ by: ["user"] })).map((r) => r.user)).toEqual([null, "B", "a-z", "az", "b", "é"]);
    });

    it("is idempotent by run id: a retried write updates the row, a late correction replaces it, an older copy never undoes it", async () => {
      const abandoned = sampleRecord({ runId: "r1", inputTokens: 50, outputTokens: 0, totalTokens: 50, flags: ["abandoned"] });
      const late = sampleRecord({ runId: "r1", inputTokens: 50, outputTokens: 30, totalTokens: 80, flags: ["late"], costUsd: 0.001 });
      await store.write([abandoned]);
      await store.write([abandoned]);
      expect((await store.usage())[0]).toMatchObject({ calls: 1, totalTokens: 50 });
      await store.write([late]);
      await store.write([abandoned]);
      await store.write([abandoned, late, abandoned]);
      expect(await store.usage()).toEqual([
        { calls: 1, errors: 0, inputTokens: 50, outputTokens: 30, totalTokens: 80, costUsd: 0.001, unpricedCalls: 0 },
      ]);
      expect(await store.runs({ traceId: "r1" })).toEqual([late]);
    });

    it("stores text PostgreSQL's text type refuses (U+0000) and gives the record back exactly", async () => {
      const odd = sampleRecord({ runId: "nul\u0000run", userId: "u\u0000x", model: "m\u0000", metadata: { note: "a\u0000b" } });
      await store.write([odd]);
      expect(await store.runs({ userId: "u\uFFFDx" })).toEqual([odd]);
      expect(await store.runs({ traceId: "nul\u0000run" })).toEqual([odd]);
      expect((await store.usage({ where: { userId: "u\u0000x" } }))[0]?.calls).toBe(1);
      expect((await store.usage({ by: ["user", "model"] }))[0]).toMatchObject({ user: "u\uFFFDx", model: "m\uFFFD", calls: 1 });
    });

    it("rejects bad queries with one clear error", async () => {
      await expect(store.usage({ by: ["colour" as UsageDimension] })).rejects.toThrow(/by takes model, user, tenant, thread, day, trace/);
      await expect(store.usage({ since: "yesterday" })).rejects.toThrow(/since must be/);
      await expect(store.usage({ where: { user: "x" } as never })).rejects.toThrow(/where takes/);
      await expect(store.runs({ limit: 5 } as never)).rejects.toThrow(/exactly one of traceId, userId, threadId/);
      await expect(store.runs({ traceId: "t", limit: 0 })).rejects.toThrow(/limit must be/);
    });

    it("matches the in-memory sums for any records (property)", async () => {
      let round = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.array(
            fc.record({
              user: fc.constantFrom("u1", "u2", "ü3", undefined),
              model: fc.constantFrom("m1", "m2"),
              input: fc.nat({ max: 1_000_000 }),
              output: fc.nat({ max: 100_000 }),
              cost: fc.option(fc.double({ min: 0, max: 10, noNaN: true }), { nil: undefined }),
              error: fc.boolean(),
              at: fc.integer({ min: 0, max: 5 * 86_400_000 }),
            }),
            { maxLength: 30 },
          ),
          async (rows) => {
            round++;
            const records = rows.map((r, i) =>
              sampleRecord({
                runId: `p${round}-${i}`,
                rootRunId: `p${round}`,
                model: r.model,
                status: r.error ? "error" : "ok",
                inputTokens: r.input,
                outputTokens: r.output,
                totalTokens: r.input + r.output,
                startedAt: T0 + r.at,
                tenantId: `p${round}`,
                ...(r.user === undefined ? {} : { userId: r.user }),
                ...(r.cost === undefined ? {} : { costUsd: r.cost }),
              }),
            );
            await store.write(records);
            const query: UsageQuery = { by: ["user", "model", "day"], where: { traceId: `p${round}` } };
            const got = await store.usage(query);
            const want = expectedUsage(records, { by: ["user", "model", "day"] });
            expect(byKeys(got)).toEqual(byKeys(want));
          },
        ),
        { numRuns: 25 },
      );
    });

    it("gives a user's newest runs across days as a sort of everything written would (property)", async () => {
      let round = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.record({ user: fc.constantFrom("a", "b"), second: fc.integer({ min: 0, max: 10 * 86_400 }) }), {
            maxLength: 40,
          }),
          fc.integer({ min: 1, max: 45 }),
          async (rows, limit) => {
            round++;
            // Distinct start times (seconds apart, plus the index), so the order is the times'.
            const records = rows.map((r, i) =>
              sampleRecord({ runId: `q${round}-${i}`, userId: `q${round}-${r.user}`, startedAt: T0 + r.second * 1000 + i }),
            );
            await store.write(records);
            for (const user of ["a", "b"]) {
              const want = records
                .filter((r) => r.userId === `q${round}-${user}`)
                .sort((x, y) => y.startedAt - x.startedAt)
                .slice(0, limit);
              expect(await store.runs({ userId: `q${round}-${user}`, limit })).toEqual(want);
            }
          },
        ),
        { numRuns: 25 },
      );
    });
  });
}

/** Checks that an attached store writes `size` records at once by default, and closes it. */
export async function expectDefaultBatchSize(store: LedgerStore, size: number): Promise<void> {
  let listener: ((record: LlmRunRecord) => unknown) | undefined;
  const detach = store.attach({
    onRecord: (l) => {
      listener = l as (record: LlmRunRecord) => unknown;
      return () => {};
    },
  });
  const tick = () => new Promise((resolve) => setTimeout(resolve, 50));
  for (let i = 0; i < size - 1; i++) listener?.(sampleRecord({ runId: `batch-${i}` }));
  await tick();
  expect(store.stats()).toMatchObject({ written: 0, queued: size - 1 });
  listener?.(sampleRecord({ runId: `batch-${size - 1}` }));
  await vi.waitFor(() => expect(store.stats()).toMatchObject({ written: size, queued: 0 }));
  await detach();
  await store.close();
}
