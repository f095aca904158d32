import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BudgetLine, BudgetStore } from "@tokenledger/langchain";
import Database from "libsql";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestPostgres, type TestPostgres } from "../postgres/start-postgres.test-helper.js";
import { BUDGET_MIGRATION, BUDGET_SCHEMA, BUDGET_TABLES } from "./budget-schema.js";
import { PostgresBudgetStore } from "./postgres-budget-store.js";
import { SqliteBudgetStore } from "./sqlite-budget-store.js";

const dir = mkdtempSync(join(tmpdir(), "tokenledger-budget-migrations-"));
let postgres: TestPostgres | undefined;
beforeAll(async () => {
  postgres = await startTestPostgres();
}, 120_000);
afterAll(async () => {
  await postgres?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const DAY = 86_400_000;
const day1 = 20_000 * DAY;
const line = (periodStart: number, amount: number, resetsAt: number | null | undefined): BudgetLine => ({
  key: "daily|u1",
  budget: "daily",
  limit: 1000,
  periodStart,
  previousStart: -1,
  forgetAfter: periodStart + 10 * DAY,
  amount,
  ...(resetsAt === undefined ? {} : { resetsAt }),
});
/** A budgets-1 database: the tables as they were, one counter written by a process that knew no reset time. */
const OLD_ROW = `INSERT INTO ${BUDGET_TABLES.counters} (key, budget, limit_amount, period_start, prev_start, spent, forget_after, updated_at)
  VALUES ('daily|u1', 'daily', 1000, ${day1}, -1, 40, ${day1 + 10 * DAY}, 0)`;

/** The reset time follows the newest period; a line that does not know it keeps the stored one. */
async function checkResets(store: BudgetStore): Promise<void> {
  expect((await store.list()).map((c) => [c.spent, c.resetsAt])).toEqual([[40, null]]);
  expect(await store.reserve("a", [line(day1, 10, day1 + DAY)], day1 + DAY)).toBe(-1);
  expect((await store.list()).map((c) => [c.spent, c.reserved, c.resetsAt])).toEqual([[40, 10, day1 + DAY]]);
  await store.settle("a", [line(day1, 7, null)]);
  expect((await store.list()).map((c) => [c.spent, c.reserved, c.resetsAt])).toEqual([[47, 0, day1 + DAY]]);
  // An older period's line never moves it back; the next day's replaces it.
  await store.settle("b", [line(day1 - DAY, 0, day1)]);
  expect((await store.list())[0]?.resetsAt).toBe(day1 + DAY);
  await store.settle("c", [line(day1 + DAY, 5, day1 + 2 * DAY)]);
  expect((await store.list()).map((c) => [c.spent, c.periodStart, c.resetsAt])).toEqual([[5, day1 + DAY, day1 + 2 * DAY]]);
  const [read] = await store.read([line(day1 + DAY, 0, day1 + 2 * DAY)]);
  expect(read?.resetsAt).toBe(day1 + 2 * DAY);
}

describe("budget migration budgets-2 (resets_at) on a budgets-1 database", () => {
  it("SQLite: applied once, under the write lock; old rows read as null; reserve/settle write it", async () => {
    const path = join(dir, "old.db");
    const db = new Database(path);
    db.exec(`CREATE TABLE ${BUDGET_TABLES.migrations} (name TEXT PRIMARY KEY, applied_at BIGINT NOT NULL)`);
    for (const sql of BUDGET_SCHEMA) db.exec(sql);
    db.prepare(`INSERT INTO ${BUDGET_TABLES.migrations} VALUES (?, 0)`).run(BUDGET_MIGRATION);
    db.exec(OLD_ROW);
    db.close();
    const store = new SqliteBudgetStore(path);
    // A second store on the same file finds both steps applied.
    const again = new SqliteBudgetStore(path);
    try {
      const steps = store.db.prepare(`SELECT name FROM ${BUDGET_TABLES.migrations} ORDER BY name`).all() as Array<{ name: string }>;
      expect(steps.map((s) => s.name)).toEqual(["budgets-1", "budgets-2"]);
      await checkResets(store);
    } finally {
      await again.close();
      await store.close();
    }
  });

  it("PostgreSQL: applied once under the advisory lock, by processes starting together", async () => {
    const pool = new pg.Pool({ connectionString: postgres!.connectionString, max: 1 });
    try {
      await pool.query(`CREATE TABLE ${BUDGET_TABLES.migrations} (name TEXT PRIMARY KEY, applied_at BIGINT NOT NULL)`);
      for (const sql of BUDGET_SCHEMA) await pool.query(sql);
      await pool.query(`INSERT INTO ${BUDGET_TABLES.migrations} VALUES ($1, 0)`, [BUDGET_MIGRATION]);
      await pool.query(OLD_ROW);
    } finally {
      await pool.end();
    }
    const stores = Array.from({ length: 4 }, () => new PostgresBudgetStore({ connectionString: postgres!.connectionString, max: 2 }));
    try {
      await Promise.all(stores.map((s) => s.activeReservations()));
      const { rows } = await stores[0]!.pool.query(`SELECT name FROM ${BUDGET_TABLES.migrations} ORDER BY name`);
      expect(rows.map((r) => r.name)).toEqual(["budgets-1", "budgets-2"]);
      await checkResets(stores[0]!);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });
});

describe("a database with a budget step this package does not know (written by a newer one)", () => {
  const newer = /budget schema step "budgets-99", newer than this @tokenledger\/store knows \(budgets-2\): upgrade it/;

  it("SQLite: refused when the store is made", async () => {
    const path = join(dir, "newer.db");
    await new SqliteBudgetStore(path).close();
    const db = new Database(path);
    db.prepare(`INSERT INTO ${BUDGET_TABLES.migrations} VALUES ('budgets-99', 0)`).run();
    db.close();
    expect(() => new SqliteBudgetStore(path)).toThrow(newer);
  });

  it("PostgreSQL: refused at the first statement, nothing written", async () => {
    const admin = new pg.Client({ connectionString: postgres!.connectionString });
    await admin.connect();
    await admin.query("CREATE DATABASE budget_newer");
    await admin.end();
    const connectionString = postgres!.connectionString.replace(/\/postgres$/, "/budget_newer");
    const first = new PostgresBudgetStore({ connectionString, max: 1 });
    await first.activeReservations();
    await first.pool.query(`INSERT INTO ${BUDGET_TABLES.migrations} VALUES ('budgets-99', 0)`);
    await first.close();
    const store = new PostgresBudgetStore({ connectionString, max: 1 });
    try {
      await expect(store.reserve("r", [line(day1, 10, day1 + DAY)], day1 + DAY)).rejects.toThrow(newer);
      const { rows } = await store.pool.query(`SELECT count(*)::int AS n FROM ${BUDGET_TABLES.reservations}`);
      expect(rows[0].n).toBe(0);
    } finally {
      await store.close();
    }
  });
});
