import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "libsql";
import { afterAll, describe, expect, it } from "vitest";
import { describeLedgerStore } from "../store/ledger-store.test-helper.js";
import { sampleRecord } from "../store/sample-records.test-helper.js";
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
    expect(db.prepare("SELECT version, name FROM tokenledger_migrations").all()).toEqual([{ version: 1, name: "runs" }]);
    const indexes = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'tokenledger_runs' AND sql IS NOT NULL")
      .all();
    expect(indexes.map((i) => (i as { name: string }).name).sort()).toEqual(
      ["started", "thread", "trace", "user"].map((n) => `tokenledger_runs_${n}`),
    );
    db.close();
  });

  it("refuses a database whose schema is newer than it knows, and bad options, with one clear error", async () => {
    const path = freshFile();
    (await createSqliteStore({ path })).close();
    const db = new Database(path);
    db.prepare("INSERT INTO tokenledger_migrations (version, name, applied_at) VALUES (99, 'future', 0)").run();
    db.close();
    await expect(createSqliteStore({ path })).rejects.toThrow(/schema version 99, newer than this @tokenledger\/store knows \(1\)/);
    await expect(createSqliteStore({} as never)).rejects.toThrow(/needs a path/);
    await expect(createSqliteStore({ path, busyTimeoutMs: -1 })).rejects.toThrow(/busyTimeoutMs/);
  });
});
