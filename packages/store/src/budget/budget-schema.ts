import type { BudgetCounterState, BudgetLine } from "@tokenledger/langchain";

/** The budget tables' names and their migration step, shared by the SQLite and PostgreSQL stores. */
export const BUDGET_TABLES = {
  counters: "tokenledger_budget_counters",
  reservations: "tokenledger_budget_reservations",
  migrations: "tokenledger_budget_migrations",
} as const;

/** The budget schema's migration steps, in order; a store applies the ones its database lacks. */
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

/** A counter row as the stores' `list` returns it. */
/** The state of a budget line as read: the line's own limit, the row's spent and reserved (0 when there is no row yet). */
export function lineState(
  line: BudgetLine,
  row: { spent?: unknown; reserved?: unknown; period_start?: unknown } | undefined,
): BudgetCounterState {
  return {
    key: line.key,
    budget: line.budget,
    limit: line.limit,
    spent: Number(row?.spent ?? 0),
    reserved: Number(row?.reserved ?? 0),
    periodStart: Math.max(Number(row?.period_start ?? 0), line.periodStart),
  };
}

export function toState(row: Record<string, unknown>): BudgetCounterState {
  return {
    key: String(row.key),
    budget: String(row.budget),
    limit: Number(row.limit_amount),
    spent: Number(row.spent),
    reserved: Number(row.reserved),
    periodStart: Number(row.period_start),
  };
}
