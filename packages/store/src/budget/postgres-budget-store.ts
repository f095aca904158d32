import type { BudgetCounterState, BudgetLine, BudgetStore } from "@tokenledger/langchain";
import pg from "pg";
import { inLockedTransaction } from "../postgres/index.js";
import { BUDGET_TABLES, lineState, pendingBudgetSteps, resetsSql, spentSql, toState } from "./budget-schema.js";

const { counters: C, reservations: R, migrations: M } = BUDGET_TABLES;

/** Errors a statement is retried on: a deadlock between two multi-budget statements, a serialization failure. */
const RETRYABLE = new Set(["40P01", "40001"]);

const s = spentSql("EXCLUDED.period_start", "EXCLUDED.prev_start");
const resets = resetsSql("EXCLUDED.period_start", "EXCLUDED.resets_at");
const RESERVE_SQL = `
WITH req AS (
  SELECT * FROM unnest($2::text[], $3::text[], $4::bigint[], $5::bigint[], $6::bigint[], $7::bigint[], $8::bigint[], $9::bigint[])
    AS r(key, budget, lim, ps, pps, forget, amount, resets)
),
up AS (
  INSERT INTO ${C} AS c (key, budget, limit_amount, period_start, prev_start, prev_spent, spent, reserved, forget_after, updated_at, resets_at)
  SELECT key, budget, lim, ps, pps, 0, 0, amount, forget, $10, resets FROM req WHERE amount <= lim ORDER BY key
  ON CONFLICT (key) DO UPDATE SET
    resets_at = ${resets}, prev_spent = ${s.previous}, spent = ${s.current}, period_start = GREATEST(c.period_start, EXCLUDED.period_start),
    prev_start = EXCLUDED.prev_start, reserved = c.reserved + EXCLUDED.reserved, limit_amount = EXCLUDED.limit_amount,
    forget_after = GREATEST(c.forget_after, EXCLUDED.forget_after), updated_at = EXCLUDED.updated_at
  WHERE ${s.total} + c.reserved + EXCLUDED.reserved <= EXCLUDED.limit_amount
  RETURNING c.key
),
held AS (
  INSERT INTO ${R} (id, key, amount, expires_at) SELECT $1, req.key, req.amount, $11 FROM req JOIN up ON up.key = req.key
)
SELECT key FROM up`;

const SETTLE_SQL = `
WITH gone AS (DELETE FROM ${R} WHERE id = $1 RETURNING key, amount),
a AS (
  SELECT * FROM unnest($2::text[], $3::text[], $4::bigint[], $5::bigint[], $6::bigint[], $7::bigint[], $8::bigint[], $9::bigint[])
    AS a(key, budget, lim, ps, pps, forget, amount, resets)
)
INSERT INTO ${C} AS c (key, budget, limit_amount, period_start, prev_start, prev_spent, spent, reserved, forget_after, updated_at, resets_at)
SELECT key, budget, lim, ps, pps, 0, amount, 0, forget, $10, resets FROM a ORDER BY key
ON CONFLICT (key) DO UPDATE SET
  resets_at = ${resets}, prev_spent = ${s.previous}, spent = ${s.current} + EXCLUDED.spent, period_start = GREATEST(c.period_start, EXCLUDED.period_start),
  reserved = c.reserved - COALESCE((SELECT SUM(g.amount) FROM gone g WHERE g.key = c.key), 0),
  forget_after = GREATEST(c.forget_after, EXCLUDED.forget_after), updated_at = EXCLUDED.updated_at`;

const a = spentSql("a.ps", "a.pps");
const READ_SQL = `
SELECT a.i, ${a.total} AS spent, c.reserved, c.period_start, c.resets_at
FROM unnest($1::text[], $2::bigint[], $3::bigint[]) WITH ORDINALITY AS a(key, ps, pps, i)
JOIN ${C} AS c ON c.key = a.key`;

const EXPIRE_SQL = `
WITH gone AS (DELETE FROM ${R} WHERE expires_at < $1 RETURNING id, key, amount),
sums AS (SELECT key, SUM(amount) AS amount FROM gone GROUP BY key),
upd AS (UPDATE ${C} AS c SET reserved = c.reserved - sums.amount FROM sums WHERE c.key = sums.key)
SELECT COUNT(DISTINCT id) AS n FROM gone`;

/**
 * Token budgets in PostgreSQL (through `pg`): many processes sharing one database behave as one
 * budget. A reservation is one statement, a conditional upsert on every budget it touches
 * (`... DO UPDATE SET reserved = reserved + x WHERE spent + reserved + x <= limit RETURNING`) that
 * records the reservation in the same statement; settlement, release and expiry are one
 * statement each too. The tables are created on first use (migration steps `budgets-1`, `budgets-2`).
 *
 * @example
 * ```ts
 * import { PostgresBudgetStore } from "@tokenledger/store/postgres";
 * const store = new PostgresBudgetStore({ connectionString: process.env.DATABASE_URL });
 * const budget = new TokenBudget({ limits, store });
 * ```
 */
export class PostgresBudgetStore implements BudgetStore {
  readonly pool: pg.Pool;
  readonly #owned: boolean;
  #ready: Promise<void> | undefined;

  /**
   * Give it a `pg.Pool` to share (its settings are left alone), or a pool's config: then it owns the
   * pool (`close` ends it), and its sessions commit asynchronously unless `synchronousCommit` is true
   * (see the store README: a PostgreSQL crash may forget the last moments' reservations, never mix
   * states; what those calls use is still counted when they settle).
   */
  constructor(poolOrConfig: pg.Pool | pg.PoolConfig, options: { synchronousCommit?: boolean } = {}) {
    this.#owned = !(poolOrConfig instanceof pg.Pool);
    if (poolOrConfig instanceof pg.Pool) {
      this.pool = poolOrConfig;
    } else {
      const commit = options.synchronousCommit === true ? "" : " -c synchronous_commit=off";
      this.pool = new pg.Pool({ ...poolOrConfig, options: `${poolOrConfig.options ?? ""}${commit}`.trim() || undefined });
      // An idle connection the server closes must not crash the host; the next query reconnects.
      this.pool.on("error", () => undefined);
    }
  }

  async reserve(id: string, lines: readonly BudgetLine[], expiresAt: number): Promise<number> {
    if (lines.length === 0) return -1;
    const { rows } = await this.#query(RESERVE_SQL, [id, ...columns(lines), Date.now(), expiresAt], "tokenledger_budget_reserve");
    if (rows.length === lines.length) return -1;
    const held = new Set(rows.map((r) => r.key as string));
    // Some budgets held and one refused: give back what was held (one statement, like a release).
    if (held.size > 0)
      await this.settle(
        id,
        lines.map((l) => ({ ...l, amount: 0 })),
      );
    return lines.findIndex((l) => !held.has(l.key));
  }

  async settle(id: string, lines: readonly BudgetLine[]): Promise<void> {
    await this.#query(SETTLE_SQL, [id, ...columns(lines), Date.now()], "tokenledger_budget_settle");
  }

  async read(lines: readonly BudgetLine[]): Promise<BudgetCounterState[]> {
    const { rows } = await this.#query(READ_SQL, [
      lines.map((l) => l.key),
      lines.map((l) => l.periodStart),
      lines.map((l) => l.previousStart),
    ]);
    const byIndex = new Map(rows.map((r) => [Number(r.i) - 1, r]));
    return lines.map((line, i) => {
      const row = byIndex.get(i);
      return lineState(line, row);
    });
  }

  async expire(now: number): Promise<number> {
    const { rows } = await this.#query(EXPIRE_SQL, [now]);
    await this.#query(
      `DELETE FROM ${C} AS c WHERE c.reserved = 0 AND c.forget_after < $1 AND NOT EXISTS (SELECT 1 FROM ${R} AS r WHERE r.key = c.key)`,
      [now],
    );
    return Number(rows[0]?.n ?? 0);
  }

  async list(limit = 1000): Promise<BudgetCounterState[]> {
    const { rows } = await this.#query(
      `SELECT key, budget, limit_amount, prev_spent + spent AS spent, reserved, period_start, resets_at FROM ${C} ORDER BY key LIMIT $1`,
      [Math.max(0, Math.floor(limit))],
    );
    return rows.map(toState);
  }

  async activeReservations(): Promise<number> {
    const { rows } = await this.#query(`SELECT COUNT(DISTINCT id) AS n FROM ${R}`, []);
    return Number(rows[0]?.n ?? 0);
  }

  /** Ends the pool when the store made it (not one it was given). */
  async close(): Promise<void> {
    if (this.#owned) await this.pool.end();
  }

  /** Runs one statement, prepared once per connection under `name` (it is parsed and planned once). */
  async #query(sql: string, params: unknown[], name?: string): Promise<pg.QueryResult> {
    await (this.#ready ??= this.#migrate().catch((error) => {
      this.#ready = undefined;
      throw error;
    }));
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.pool.query(name ? { name, text: sql, values: params } : { text: sql, values: params });
      } catch (error) {
        // Each statement is atomic: one that failed changed nothing, so it can run again.
        if (attempt >= 5 || !RETRYABLE.has((error as { code?: string }).code ?? "")) throw error;
      }
    }
  }

  /** Applies the budget migration steps once per database, under an advisory lock (processes may start together). */
  async #migrate(): Promise<void> {
    await inLockedTransaction(this.pool, M, async (client) => {
      await client.query(`CREATE TABLE IF NOT EXISTS ${M} (name TEXT PRIMARY KEY, applied_at BIGINT NOT NULL)`);
      const { rows } = await client.query(`SELECT name FROM ${M}`);
      for (const step of pendingBudgetSteps(rows.map((row) => row.name))) {
        for (const sql of step.statements) await client.query(sql);
        await client.query(`INSERT INTO ${M} (name, applied_at) VALUES ($1, $2)`, [step.name, Date.now()]);
      }
    });
  }
}

/** The lines as the statements' arrays: key, budget, limit, period start, previous start, forget-after, amount, reset time. */
function columns(lines: readonly BudgetLine[]): unknown[][] {
  return [
    lines.map((l) => l.key),
    lines.map((l) => l.budget),
    lines.map((l) => l.limit),
    lines.map((l) => l.periodStart),
    lines.map((l) => l.previousStart),
    lines.map((l) => l.forgetAfter),
    lines.map((l) => l.amount),
    lines.map((l) => l.resetsAt ?? null),
  ];
}
