/**
 * One counter a call touches: a budget for one scope key, in the budget's unit (tokens, or
 * nano-dollars for a USD budget), with the window the call falls in (see `periodWindow`).
 */
export interface BudgetLine {
  /** The counter's key: the budget's name and its scope key (`"user-daily|u1"`). */
  key: string;
  /** The budget's name. */
  budget: string;
  /** The limit, in the budget's unit. */
  limit: number;
  /** Start of the current period (ms since the epoch; 0 for a run's budget). */
  periodStart: number;
  /** Start of the previous period whose spending still counts (rolling windows), else -1. */
  previousStart: number;
  /** When the counter may be forgotten once nothing is reserved on it (ms; `Number.MAX_SAFE_INTEGER` for never). */
  forgetAfter: number;
  /** To reserve (in `reserve`) or the amount billed (in `settle`), in the budget's unit; a non-negative integer. */
  amount: number;
  /** When the period ends (ms since the epoch); null or absent for a run's budget, or when unknown. Stored with the counter for reports. */
  resetsAt?: number | null;
}

/** A counter as a store holds it, seen from a line's window (a period that is over counts as 0). */
export interface BudgetCounterState {
  key: string;
  budget: string;
  limit: number;
  /** Spent in the current period (plus the previous one, for a rolling window). */
  spent: number;
  /** Held by reservations not yet settled, released or expired. */
  reserved: number;
  periodStart: number;
  /** When the counter's period ends (ms since the epoch), as the newest period's line gave it; null for a run's budget or when unknown. */
  resetsAt: number | null;
}

/**
 * Where a `TokenBudget` keeps its counters and reservations. Each method is atomic: a
 * reservation either holds every line or none, and is checked and taken in one step (in a
 * database, one conditional update), so that processes sharing a store share the budget.
 * `InMemoryBudgetStore` (one process) is the default; `@tokenledger/store` has SQLite and
 * PostgreSQL ones.
 */
export interface BudgetStore {
  /**
   * Holds `amount` on every line, each only if `spent + reserved + amount <= limit`; returns -1
   * when all were held (recorded under `id` until `expiresAt`), else the index of a line that
   * refused (then none is held).
   */
  reserve(id: string, lines: readonly BudgetLine[], expiresAt: number): Promise<number>;
  /**
   * Ends reservation `id` (when it is still held) and adds each line's `amount` to what was spent.
   * A reservation that expired is no longer held; its spending is still added.
   */
  settle(id: string, lines: readonly BudgetLine[]): Promise<void>;
  /** The counters of `lines`, seen from their windows; a counter never touched reads as 0. */
  read(lines: readonly BudgetLine[]): Promise<BudgetCounterState[]>;
  /** Releases every reservation whose `expiresAt` is before `now`; returns how many. Forgets idle counters past `forgetAfter`. */
  expire(now: number): Promise<number>;
  /** Every counter held (at most `limit`, default 1000), with its reset time, for a report (`tokenledger report --budgets`). */
  list(limit?: number): Promise<BudgetCounterState[]>;
  /** Reservations held now (for checks: none should remain once every call ended). */
  activeReservations(): Promise<number>;
  close?(): Promise<void>;
}

/**
 * What a counter holds as spent, seen from `line`'s window: its spending when it is in the same
 * period (or a later one, written by a process whose clock is ahead: never reset backwards),
 * the previous period's as "previous" for a rolling window, else nothing. The SQL stores compute
 * the same in their statements.
 */
export function spentInWindow(
  row: { periodStart: number; previousSpent: number; spent: number },
  line: Pick<BudgetLine, "periodStart" | "previousStart">,
): { previousSpent: number; spent: number } {
  if (row.periodStart >= line.periodStart) return { previousSpent: row.previousSpent, spent: row.spent };
  if (row.periodStart === line.previousStart) return { previousSpent: row.spent, spent: 0 };
  return { previousSpent: 0, spent: 0 };
}

/**
 * The reset time a counter keeps after a line touched it: the newest period's (a line of the same
 * period that does not know it keeps the stored one; an older period's never overwrites). The SQL
 * stores compute the same in their statements.
 */
export function resetsAfter(
  row: { periodStart: number; resetsAt: number | null },
  line: Pick<BudgetLine, "periodStart" | "resetsAt">,
): number | null {
  if (line.periodStart > row.periodStart) return line.resetsAt ?? null;
  if (line.periodStart === row.periodStart) return line.resetsAt ?? row.resetsAt;
  return row.resetsAt;
}
