import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "libsql";
import { afterAll, describe, expect, it } from "vitest";
import {
  CREATE_MIGRATIONS_TABLE,
  dayBeforeStatement,
  INSERT_VERSION,
  MIGRATIONS,
  RUN_COLUMNS,
  runsStatement,
  toRunRow,
  utcDay,
} from "../sql/index.js";
import { describeLedgerStore, expectDefaultBatchSize } from "../store/ledger-store.test-helper.js";
import { sampleRecord, sampleRecords, T0 } from "../store/sample-records.test-helper.js";
import { createSqliteStore } from "./create-sqlite-store.js";

const dir = mkdtempSync(join(tmpdir(), "tokenledger-sqlite-"));
let files = 0;
const freshFile = () => join(dir, `ledger-${++files}.db`);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describeLedgerStore("sqlite file", () => createSqliteStore({ path: freshFile() }));

describe("createSqliteStore", () => {
  it("opens a file in WAL mode with the schema's version recorded once, however often it is opened", async () => {
    const path = freshFile();
    const stores = await Promise.all([1, 2, 3].map(() => createSqliteStore({ path })));
    await stores[0]?.write([sampleRecord({ runId: "x" })]);
    for (const s of stores) await s.close();
    const again = await createSqliteStore({ path });
    expect((await again.usage())[0]?.calls).toBe(1);
    await again.close();
    const db = new Database(path);
    expect(db.prepare("PRAGMA journal_mode").get()).toMatchObject({ journal_mode: "wal" });
    expect(db.prepare("SELECT version, name FROM tokenledger_migrations ORDER BY version").all()).toEqual([
      { version: 1, name: "runs" },
      { version: 2, name: "day-led user and thread indexes" },
    ]);
    const indexes = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'tokenledger_runs' AND sql IS NOT NULL")
      .all();
    expect(indexes.map((i) => (i as { name: string }).name).sort()).toEqual(
      ["day_thread", "day_user", "started", "trace"].map((n) => `tokenledger_runs_${n}`),
    );
    db.close();
  });

  it("refuses a database whose schema is newer than it knows, and bad options, with one clear error", async () => {
    const path = freshFile();
    (await createSqliteStore({ path })).close();
    const db = new Database(path);
    db.prepare("INSERT INTO tokenledger_migrations (version, name, applied_at) VALUES (99, 'future', 0)").run();
    db.close();
    await expect(createSqliteStore({ path })).rejects.toThrow(/schema version 99, newer than this @tokenledger\/store knows \(2\)/);
    await expect(createSqliteStore({} as never)).rejects.toThrow(/needs a path/);
    await expect(createSqliteStore({ path, busyTimeoutMs: -1 })).rejects.toThrow(/busyTimeoutMs/);
  });

  it("upgrades a version 1 file in place: its runs stay, and a user's or thread's are read through the day-led indexes", async () => {
    const path = freshFile();
    const db = new Database(path);
    db.exec(CREATE_MIGRATIONS_TABLE);
    for (const statement of MIGRATIONS[0]?.statements ?? []) db.exec(statement);
    db.prepare(INSERT_VERSION).run(1, "runs", 0);
    const old = sampleRecords();
    const insert = db.prepare(`INSERT INTO tokenledger_runs (${RUN_COLUMNS.join(", ")}) VALUES (${RUN_COLUMNS.map(() => "?").join(", ")})`);
    for (const record of old) insert.run(toRunRow(record, 0));
    db.close();
    const store = await createSqliteStore({ path });
    const alice = old.filter((r) => r.userId === "alice").sort((a, b) => b.startedAt - a.startedAt);
    expect(await store.runs({ userId: "alice", limit: 10_000 })).toEqual(alice);
    await store.close();
    const after = new Database(path);
    expect(after.prepare("SELECT MAX(version) AS v FROM tokenledger_migrations").get()).toMatchObject({ v: 2 });
    const plan = (statement: { sql: string; params: unknown[] }) =>
      (after.prepare(`EXPLAIN QUERY PLAN ${statement.sql}`).all(...statement.params) as { detail: string }[])
        .map((r) => r.detail)
        .join("; ");
    const day = utcDay(T0);
    expect(plan(runsStatement({ column: "user_id", value: "alice", limit: 5 }, day))).toMatch(/USING INDEX tokenledger_runs_day_user/);
    expect(plan(runsStatement({ column: "thread_id", value: "thread-1", limit: 5 }, day))).toMatch(
      /USING INDEX tokenledger_runs_day_thread/,
    );
    expect(plan(runsStatement({ column: "root_run_id", value: "trace-1", limit: 5 }))).toMatch(/USING INDEX tokenledger_runs_trace/);
    expect(plan(dayBeforeStatement(day))).toMatch(/USING COVERING INDEX tokenledger_runs_day_/);
    after.close();
  });

  it("writes 2,000 records a transaction by default: a batch waits for its 2,000th record (or flushMs)", async () => {
    await expectDefaultBatchSize(await createSqliteStore({ path: freshFile() }), 2_000);
  });
});
