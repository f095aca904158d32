import { existsSync } from "node:fs";
import type { SqliteBudgetStore } from "@tokenledger/store/sqlite";
import { CliError } from "./cli-error.js";
import { json, out } from "./cli-output.js";
import { redact } from "./open-store.js";

/** The counters table the budget stores of `@tokenledger/store` keep (migration step `budgets-1`). */
const COUNTERS_TABLE = "tokenledger_budget_counters";
type BudgetCounterState = Awaited<ReturnType<SqliteBudgetStore["list"]>>[number];
type BudgetStore = Pick<SqliteBudgetStore, "list" | "activeReservations">;

/** At most this many counters are shown. */
const MAX_COUNTERS = 1000;

/** One budget counter as `report --budgets` shows it, in the budget's store unit (tokens; nano-dollars for a USD budget). */
export interface BudgetReportRow {
  budget: string;
  scopeKey: string;
  used: number;
  reserved: number;
  limit: number;
  /** `limit - used - reserved`, at least 0. */
  remaining: number;
  /** When the counter's period ends (ISO 8601, UTC); null for a run's budget or when the writer did not record it. */
  resetsAt: string | null;
  /** True when `resetsAt` is past: `used` is the last period's, the next call starts a new one. */
  periodOver: boolean;
}

/**
 * Prints the budgets kept in the same database as a ledger (`--store FILE|postgres://...`): each
 * counter's used, reserved, limit, remaining and reset time, and how many reservations are held;
 * "no budgets in this store" when the database has no budget tables (nothing is created then).
 *
 * @example
 * ```ts
 * await printBudgets("ledger.db", { json: false });
 * ```
 */
export async function printBudgets(where: string | undefined, options: { json: boolean }, now = Date.now()): Promise<void> {
  const target = where ?? process.env.TOKENLEDGER_STORE;
  if (!target) throw new CliError("--store FILE | postgres://... is needed (or TOKENLEDGER_STORE)", 2);
  const opened = await openBudgets(target);
  if (!opened) {
    if (options.json) json({ store: redact(target), budgets: [], activeReservations: 0, truncated: false });
    else out("no budgets in this store");
    return;
  }
  try {
    const counters = await opened.store.list(MAX_COUNTERS + 1);
    const active = await opened.store.activeReservations();
    const truncated = counters.length > MAX_COUNTERS;
    const rows = counters.slice(0, MAX_COUNTERS).map((c) => toRow(c, now));
    if (options.json) return json({ store: redact(target), budgets: rows, activeReservations: active, truncated });
    printTable(rows, active, truncated);
  } finally {
    await opened.close();
  }
}

function toRow(c: BudgetCounterState, now: number): BudgetReportRow {
  const prefix = `${c.budget}|`;
  return {
    budget: c.budget,
    scopeKey: c.key.startsWith(prefix) ? c.key.slice(prefix.length) : c.key,
    used: c.spent,
    reserved: c.reserved,
    limit: c.limit,
    remaining: Math.max(0, c.limit - c.spent - c.reserved),
    resetsAt: c.resetsAt == null ? null : new Date(c.resetsAt).toISOString(),
    periodOver: c.resetsAt != null && c.resetsAt <= now,
  };
}

const n = (v: number) => v.toLocaleString("en");

function printTable(rows: BudgetReportRow[], active: number, truncated: boolean): void {
  if (rows.length === 0) {
    out("no budget counters in this store");
    out(`active reservations: ${n(active)}`);
    return;
  }
  const head = ["budget", "scope", "used", "reserved", "limit", "remaining", "resets (UTC)"];
  const body = rows.map((r) => [
    r.budget,
    r.scopeKey,
    n(r.used),
    n(r.reserved),
    n(r.limit),
    n(r.remaining),
    r.resetsAt === null ? "-" : `${r.resetsAt}${r.periodOver ? " (past)" : ""}`,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((row) => (row[i] ?? "").length)));
  const line = (row: string[]) =>
    row
      .map((c, i) => (i < 2 || i === 6 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  out(line(head));
  for (const row of body) out(line(row));
  out(`\nactive reservations: ${n(active)}`);
  if (truncated) out(`showing the first ${n(MAX_COUNTERS)} counters (by key)`);
  out(
    "amounts in each budget's unit: tokens, or nano-dollars (1e-9 USD) for a USD budget; a reset marked (past): the next call starts a new period",
  );
}

/** The budget store in the database at `target`, or undefined when it has no budget tables. */
async function openBudgets(target: string): Promise<{ store: BudgetStore; close: () => Promise<void> } | undefined> {
  try {
    if (/^postgres(ql)?:\/\//.test(target)) {
      const { PostgresBudgetStore } = await import("@tokenledger/store/postgres");
      // The store migrates on its first statement only: the check below creates nothing.
      const store = new PostgresBudgetStore({ connectionString: target, max: 1 });
      try {
        const { rows } = await store.pool.query("SELECT to_regclass($1) IS NOT NULL AS present", [COUNTERS_TABLE]);
        if (rows[0]?.present) return { store, close: () => store.close() };
      } catch (error) {
        await store.close().catch(() => undefined);
        throw error;
      }
      await store.close();
      return undefined;
    }
    if (!existsSync(target)) throw new CliError(`no store at ${target}`);
    const { default: Database } = await import("libsql");
    const db = new Database(target);
    try {
      const present = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(COUNTERS_TABLE);
      if (!present) {
        db.close();
        return undefined;
      }
      const { SqliteBudgetStore } = await import("@tokenledger/store/sqlite");
      return {
        store: new SqliteBudgetStore(db),
        close: async () => {
          db.close();
        },
      };
    } catch (error) {
      db.close();
      throw error;
    }
  } catch (error) {
    if (error instanceof CliError) throw error;
    const missing = /Cannot find (package|module) '(libsql|pg)'/.exec(String((error as Error)?.message))?.[2];
    if (missing) throw new CliError(`reading budgets needs the ${missing} package: npm i ${missing}`);
    throw new CliError(`cannot read the budgets in ${redact(target)}: ${(error as Error)?.message ?? error}`);
  }
}
