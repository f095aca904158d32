import type { BudgetCounterState, BudgetLine } from "@tokenledger/langchain";

/** The budget tables' names and their migration step, shared by the SQLite and PostgreSQL stores. */
export const BUDGET_TABLES = {
  counters: "tokenledger_budget_counters",
  reservations: "tokenledger_budget_reservations",
  migrations: "tokenledger_budget_migrations",
} as const;

/** The first budget migration step (the tables, `BUDGET_SCHEMA`); `BUDGET_MIGRATIONS` lists every step. */
export const BUDGET_MIGRATION = "budgets-1";

/**
 * The budget tables (the same in both databases: integers are 64-bit). A counter is a budget
 * for one scope key: what was spent in its current period (and the previous one, for a rolling
 * window) and what reservations hold; a reservation is one row per counter it holds on.
 */
export const BUDGET_SCHEMA = [
  `CREATE TABLE IF NOT EXISTS ${BUDGET_TABLES.counters} (
    key TEXT PRIMARY KEY,
    budget TEXT NOT NULL,
    limit_amount BIGINT NOT NULL,
    period_start BIGINT NOT NULL,
    prev_start BIGINT NOT NULL,
    prev_spent BIGINT NOT NULL DEFAULT 0,
    spent BIGINT NOT NULL DEFAULT 0,
    reserved BIGINT NOT NULL DEFAULT 0,
    forget_after BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
  )`,
  `CREATE TABLE IF NOT EXISTS ${BUDGET_TABLES.reservations} (
    id TEXT NOT NULL,
    key TEXT NOT NULL,
    amount BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    PRIMARY KEY (id, key)
  )`,
  `CREATE INDEX IF NOT EXISTS ${BUDGET_TABLES.reservations}_expires ON ${BUDGET_TABLES.reservations} (expires_at)`,
];

/**
 * The budget schema's migration steps, in order; a store applies, under its lock, each one its
 * database has not recorded in `tokenledger_budget_migrations` (so each runs once per database).
 * `budgets-2` keeps each counter's reset time (ms since the epoch; NULL for a run's budget or
 * when a process that does not know it wrote the row) for reports.
 */
export const BUDGET_MIGRATIONS: ReadonlyArray<{ name: string; statements: readonly string[] }> = [
  { name: BUDGET_MIGRATION, statements: BUDGET_SCHEMA },
  { name: "budgets-2", statements: [`ALTER TABLE ${BUDGET_TABLES.counters} ADD COLUMN resets_at BIGINT`] },
];

/**
 * The budget steps a database that has recorded `applied` still needs, in order. A database with a
 * step this code does not know (written by a newer @tokenledger/store) is refused with one clear
 * error, as the ledger store refuses a newer schema: an older process must not write to it.
 *
 * @example
 * ```ts
 * pendingBudgetSteps(["budgets-1"]).map((s) => s.name); // ["budgets-2"]
 * ```
 */
export function pendingBudgetSteps(applied: readonly unknown[]): Array<(typeof BUDGET_MIGRATIONS)[number]> {
  const names = new Set(applied.map(String));
  const unknown = [...names].filter((name) => !BUDGET_MIGRATIONS.some((step) => step.name === name));
  if (unknown.length > 0)
    throw new Error(
      `the database has budget schema step ${unknown.map((n) => JSON.stringify(n)).join(", ")}, newer than this @tokenledger/store knows (${BUDGET_MIGRATIONS.at(-1)?.name}): upgrade it`,
    );
  return BUDGET_MIGRATIONS.filter((step) => !names.has(step.name));
}

/**
 * The reset time a counter keeps after an upsert, in SQL over the row (`c.`) and the line's period
 * start and reset time: the newest period's; a line of the same period that does not know it
 * (NULL) keeps the stored one. `@tokenledger/langchain`'s in-memory store computes the same.
 */
export function resetsSql(periodStart: string, resetsAt: string): string {
  return `CASE WHEN ${periodStart} > c.period_start THEN ${resetsAt} WHEN ${periodStart} = c.period_start THEN COALESCE(${resetsAt}, c.resets_at) ELSE c.resets_at END`;
}

/**
 * What a counter counts as spent seen from a call's window, in SQL over the row's columns (`c.`)
 * and the window's start and previous start: its spending in the same or a later period (a
 * process whose clock is behind never resets it), the previous period's for a rolling window,
 * else nothing. `@tokenledger/langchain`'s in-memory store computes the same.
 */
export function spentSql(periodStart: string, previousStart: string): { previous: string; current: string; total: string } {
  return {
    previous: `CASE WHEN c.period_start >= ${periodStart} THEN c.prev_spent WHEN c.period_start = ${previousStart} THEN c.spent ELSE 0 END`,
    current: `CASE WHEN c.period_start >= ${periodStart} THEN c.spent ELSE 0 END`,
    total: `CASE WHEN c.period_start >= ${periodStart} THEN c.prev_spent + c.spent WHEN c.period_start = ${previousStart} THEN c.spent ELSE 0 END`,
  };
}

/**
 * The state of a budget line as read: the line's own limit, the row's spent and reserved (0 when
 * there is no row yet), and the line's reset time (the row's when the row is in a later period).
 */
export function lineState(
  line: BudgetLine,
  row: { spent?: unknown; reserved?: unknown; period_start?: unknown; resets_at?: unknown } | undefined,
): BudgetCounterState {
  const rowStart = Number(row?.period_start ?? 0);
  return {
    key: line.key,
    budget: line.budget,
    limit: line.limit,
    spent: Number(row?.spent ?? 0),
    reserved: Number(row?.reserved ?? 0),
    periodStart: Math.max(rowStart, line.periodStart),
    resetsAt: row && rowStart > line.periodStart ? nullableMs(row.resets_at) : (line.resetsAt ?? nullableMs(row?.resets_at)),
  };
}

/** A counter row as the stores' `list` returns it. */
export function toState(row: Record<string, unknown>): BudgetCounterState {
  return {
    key: String(row.key),
    budget: String(row.budget),
    limit: Number(row.limit_amount),
    spent: Number(row.spent),
    reserved: Number(row.reserved),
    periodStart: Number(row.period_start),
    resetsAt: nullableMs(row.resets_at),
  };
}

/** A BIGINT column that may be NULL (pg returns BIGINT as a string). */
function nullableMs(value: unknown): number | null {
  return value === null || value === undefined ? null : Number(value);
}
