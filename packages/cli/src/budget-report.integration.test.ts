import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { type BudgetLimit, TokenBudget } from "@tokenledger/langchain";
import { PostgresBudgetStore } from "@tokenledger/store/postgres";
import { createSqliteStore, SqliteBudgetStore } from "@tokenledger/store/sqlite";
import Database from "libsql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestPostgres, type TestPostgres } from "../../store/src/postgres/start-postgres.test-helper.js";

const cli = fileURLToPath(new URL("../dist/cli.js", import.meta.url));
const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), "tokenledger-budget-report-"));
const path = join(dir, "ledger.db");
const empty = join(dir, "no-budgets.db");

const limits: BudgetLimit[] = [
  { name: "user-daily", scope: "user", period: "day", quantity: "total", limit: 5000 },
  { name: "tenant-monthly", scope: "tenant", period: "month", quantity: "input", limit: 20_000, timeZone: "Europe/Paris" },
];
const context = { userId: "u1", tenantId: "acme" };
let status: Awaited<ReturnType<TokenBudget["status"]>> = [];

beforeAll(async () => {
  // A ledger file, and a budget in the same file: two calls settled, one still in flight.
  for (const file of [path, empty]) await (await createSqliteStore({ path: file })).close();
  const store = new SqliteBudgetStore(path);
  const budget = new TokenBudget({ limits, store });
  const first = await budget.reserve({ context, model: "gpt-4o-mini", inputTokens: 300, maxOutputTokens: 200 });
  await first.settle({ inputTokens: 280, outputTokens: 90 });
  const second = await budget.reserve({
    context: { userId: "u2", tenantId: "acme" },
    model: "gpt-4o-mini",
    inputTokens: 500,
    maxOutputTokens: 100,
  });
  await second.settle({ inputTokens: 510, outputTokens: 40 });
  await budget.reserve({ context, model: "gpt-4o-mini", inputTokens: 1000, maxOutputTokens: 400 });
  status = [...(await budget.status(context)), ...(await budget.status({ userId: "u2", tenantId: "acme" }))];
  await store.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("tokenledger report --budgets (the binary, on a SQLite file)", () => {
  it("--json: each counter's used, reserved, limit, remaining and reset time, as TokenBudget.status() says", async () => {
    const { stdout } = await run(process.execPath, [cli, "report", "--store", path, "--budgets", "--json"]);
    const parsed = JSON.parse(stdout);
    expect(parsed.activeReservations).toBe(1);
    expect(parsed.truncated).toBe(false);
    // Three counters: user-daily for u1 and u2, tenant-monthly for acme (seen twice in `status`).
    expect(parsed.budgets).toHaveLength(3);
    for (const s of status) {
      const row = parsed.budgets.find((r: { budget: string; scopeKey: string }) => r.budget === s.budget && r.scopeKey === s.scopeKey);
      expect(row).toEqual({
        budget: s.budget,
        scopeKey: s.scopeKey,
        used: s.spent,
        reserved: s.reserved,
        limit: s.limit,
        remaining: s.limit - s.spent - s.reserved,
        resetsAt: s.resetsAt?.toISOString(),
        periodOver: false,
      });
    }
    // The values themselves: u1 spent 280 + 90, holds 1000 + 400; acme's input 280 + 510, holds 1000.
    const u1 = parsed.budgets.find((r: { scopeKey: string }) => r.scopeKey === "u1");
    expect([u1.used, u1.reserved, u1.limit]).toEqual([370, 1400, 5000]);
    const acme = parsed.budgets.find((r: { scopeKey: string }) => r.scopeKey === "acme");
    expect([acme.used, acme.reserved, acme.limit]).toEqual([790, 1000, 20_000]);
  });

  it("prints a table: one line per counter, the reset time in UTC, the reservations held", async () => {
    const { stdout } = await run(process.execPath, [cli, "report", "--store", path, "--budgets"]);
    const lines = stdout.split("\n");
    expect(lines[0]).toMatch(/^budget\s+scope\s+used\s+reserved\s+limit\s+remaining\s+resets \(UTC\)$/);
    const u1 = status.find((s) => s.scopeKey === "u1")!;
    const line = lines.find((l) => l.startsWith("user-daily") && / u1 /.test(l));
    expect(line?.split(/\s{2,}/)).toEqual(["user-daily", "u1", "370", "1,400", "5,000", "3,230", u1.resetsAt!.toISOString()]);
    expect(stdout).toContain("active reservations: 1");
  });

  it("a store without budget tables: one line, exit 0, and no table created", async () => {
    const { stdout } = await run(process.execPath, [cli, "report", "--store", empty, "--budgets"]);
    expect(stdout).toBe("no budgets in this store\n");
    const db = new Database(empty);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name LIKE 'tokenledger_budget%'").all()).toEqual([]);
    db.close();
  });

  it("--budgets takes no --since (it shows the budgets now)", async () => {
    await expect(run(process.execPath, [cli, "report", "--store", path, "--budgets", "--since", "1d"])).rejects.toMatchObject({ code: 2 });
  });
});

describe("tokenledger report --budgets (the binary, on PostgreSQL)", () => {
  let postgres: TestPostgres | undefined;
  beforeAll(async () => {
    postgres = await startTestPostgres();
  }, 120_000);
  afterAll(async () => {
    await postgres?.stop();
  });

  it("no budget tables: one line, exit 0; then the counters as TokenBudget.status() says", async () => {
    const url = postgres!.connectionString;
    expect((await run(process.execPath, [cli, "report", "--store", url, "--budgets"])).stdout).toBe("no budgets in this store\n");
    const store = new PostgresBudgetStore({ connectionString: url });
    try {
      const budget = new TokenBudget({ limits, store });
      const held = await budget.reserve({ context, model: "gpt-4o-mini", inputTokens: 120, maxOutputTokens: 60 });
      await held.settle({ inputTokens: 118, outputTokens: 21 });
      await budget.reserve({ context, model: "gpt-4o-mini", inputTokens: 200, maxOutputTokens: 50 });
      const expected = await budget.status(context);
      const { stdout } = await run(process.execPath, [cli, "report", "--store", url, "--budgets", "--json"]);
      const parsed = JSON.parse(stdout);
      expect(parsed.activeReservations).toBe(1);
      expect(parsed.budgets.map((r: Record<string, unknown>) => [r.budget, r.scopeKey, r.used, r.reserved, r.limit, r.resetsAt])).toEqual(
        // The report lists counters by key; `status`, in the order of the limits.
        expected.map((s) => [s.budget, s.scopeKey, s.spent, s.reserved, s.limit, s.resetsAt?.toISOString()]).reverse(),
      );
      expect(expected.map((s) => [s.spent, s.reserved])).toEqual([
        [139, 250],
        [118, 200],
      ]);
    } finally {
      await store.close();
    }
  });
});
