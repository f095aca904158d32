import type { BudgetCounterState, BudgetLine, BudgetStore } from "@tokenledger/langchain";
import Database from "libsql";
import { enterWalMode, inTransaction } from "../sqlite/index.js";
import { BUDGET_TABLES, lineState, pendingBudgetSteps, resetsSql, spentSql, toState } from "./budget-schema.js";

type Db = InstanceType<typeof Database>;
const { counters: C, reservations: R, migrations: M } = BUDGET_TABLES;

/**
 * Token budgets in an embedded SQLite file (through `libsql`), shared by every process that
 * opens the file. Each operation is one `BEGIN IMMEDIATE` transaction (SQLite's write lock),
 * and a reservation is taken by a conditional upsert per budget
 * (`... DO UPDATE SET reserved = reserved + ? WHERE spent + reserved + ? <= limit`), never read
 * then written. Give it a path, or an open `libsql` database to share one connection.
 *
 * @example
 * ```ts
 * import { SqliteBudgetStore } from "@tokenledger/store/sqlite";
 * const budget = new TokenBudget({ limits, store: new SqliteBudgetStore("tokenledger.db") });
 * ```
 */
export class SqliteBudgetStore implements BudgetStore {
  readonly db: Db;
  readonly #owned: boolean;

  constructor(pathOrDatabase: string | Db, options: { busyTimeoutMs?: number } = {}) {
    this.#owned = typeof pathOrDatabase === "string";
    this.db = typeof pathOrDatabase === "string" ? new Database(pathOrDatabase) : pathOrDatabase;
    try {
      const busy = Math.floor(options.busyTimeoutMs ?? 5000);
      this.db.exec(`PRAGMA busy_timeout = ${busy}`);
      // WAL with synchronous NORMAL: never corrupt; a power cut may lose the last commits, not reorder them.
      if (this.#owned) {
        enterWalMode(this.db, busy);
        this.db.exec("PRAGMA synchronous = NORMAL");
      }
      this.#write(() => {
        this.db.exec(`CREATE TABLE IF NOT EXISTS ${M} (name TEXT PRIMARY KEY, applied_at BIGINT NOT NULL)`);
        const applied = this.db.prepare(`SELECT name FROM ${M}`).all() as { name: unknown }[];
        for (const step of pendingBudgetSteps(applied.map((row) => row.name))) {
          for (const sql of step.statements) this.db.exec(sql);
          this.db.prepare(`INSERT INTO ${M} (name, applied_at) VALUES (?, ?)`).run(step.name, Date.now());
        }
      });
    } catch (error) {
      // A file this store opened is closed again; a database it was given stays as it was.
      if (this.#owned) this.db.close();
      throw error;
    }
  }

  async reserve(id: string, lines: readonly BudgetLine[], expiresAt: number): Promise<number> {
    const s = spentSql(":ps", ":pps");
    const r = resetsSql(":ps", ":resets");
    const upsert = this.db.prepare(
      `INSERT INTO ${C} AS c (key, budget, limit_amount, period_start, prev_start, prev_spent, spent, reserved, forget_after, updated_at, resets_at)
       SELECT :key, :budget, :limit, :ps, :pps, 0, 0, :amount, :forget, :now, :resets WHERE :amount <= :limit
       ON CONFLICT (key) DO UPDATE SET
         resets_at = ${r}, prev_spent = ${s.previous}, spent = ${s.current}, period_start = MAX(c.period_start, :ps), prev_start = :pps,
         reserved = c.reserved + :amount, limit_amount = :limit, forget_after = MAX(c.forget_after, :forget), updated_at = :now
       WHERE ${s.total} + c.reserved + :amount <= :limit
       RETURNING key`,
    );
    const hold = this.db.prepare(`INSERT INTO ${R} (id, key, amount, expires_at) VALUES (?, ?, ?, ?)`);
    const now = Date.now();
    return this.#write(() => {
      for (const [i, line] of lines.entries()) {
        const row = upsert.get(lineParams(line, now));
        if (!row) throw new Refused(i);
        hold.run(id, line.key, line.amount, expiresAt);
      }
      return -1;
    });
  }

  async settle(id: string, lines: readonly BudgetLine[]): Promise<void> {
    const s = spentSql(":ps", ":pps");
    const r = resetsSql(":ps", ":resets");
    const held = this.db.prepare(`DELETE FROM ${R} WHERE id = ? RETURNING key, amount`);
    // An upsert: a counter forgotten meanwhile (its reservation expired, its period over) is made again.
    const update = this.db.prepare(
      `INSERT INTO ${C} AS c (key, budget, limit_amount, period_start, prev_start, prev_spent, spent, reserved, forget_after, updated_at, resets_at)
       VALUES (:key, :budget, :limit, :ps, :pps, 0, :amount, 0, :forget, :now, :resets)
       ON CONFLICT (key) DO UPDATE SET resets_at = ${r}, prev_spent = ${s.previous}, spent = ${s.current} + :amount, period_start = MAX(c.period_start, :ps),
         reserved = c.reserved - :held, forget_after = MAX(c.forget_after, :forget), updated_at = :now`,
    );
    const now = Date.now();
    this.#write(() => {
      const heldBy = new Map((held.all(id) as Array<{ key: string; amount: number }>).map((r) => [r.key, Number(r.amount)]));
      for (const line of lines) {
        update.run({
          ...lineParams(line, now),
          held: heldBy.get(line.key) ?? 0,
        });
      }
    });
  }

  async read(lines: readonly BudgetLine[]): Promise<BudgetCounterState[]> {
    const s = spentSql(":ps", ":pps");
    const select = this.db.prepare(
      `SELECT ${s.total} AS spent, c.reserved AS reserved, c.period_start AS period_start, c.resets_at AS resets_at FROM ${C} AS c WHERE key = :key`,
    );
    return lines.map((line) => {
      const row = select.get({ key: line.key, ps: line.periodStart, pps: line.previousStart }) as
        | { spent: number; reserved: number; period_start: number; resets_at: number | null }
        | undefined;
      return lineState(line, row);
    });
  }

  async expire(now: number): Promise<number> {
    return this.#write(() => {
      const { n } = this.db.prepare(`SELECT COUNT(DISTINCT id) AS n FROM ${R} WHERE expires_at < ?`).get(now) as { n: number };
      if (Number(n) > 0) {
        this.db
          .prepare(
            `UPDATE ${C} AS c SET reserved = c.reserved - (SELECT SUM(r.amount) FROM ${R} AS r WHERE r.key = c.key AND r.expires_at < :now)
             WHERE c.key IN (SELECT key FROM ${R} WHERE expires_at < :now)`,
          )
          .run({ now });
        this.db.prepare(`DELETE FROM ${R} WHERE expires_at < ?`).run(now);
      }
      this.db.prepare(`DELETE FROM ${C} WHERE reserved = 0 AND forget_after < ?`).run(now);
      return Number(n);
    });
  }

  async list(limit = 1000): Promise<BudgetCounterState[]> {
    const rows = this.db
      .prepare(
        `SELECT key, budget, limit_amount, prev_spent + spent AS spent, reserved, period_start, resets_at FROM ${C} ORDER BY key LIMIT ?`,
      )
      .all(Math.max(0, Math.floor(limit))) as Array<Record<string, unknown>>;
    return rows.map(toState);
  }

  async activeReservations(): Promise<number> {
    return Number((this.db.prepare(`SELECT COUNT(DISTINCT id) AS n FROM ${R}`).get() as { n: number }).n);
  }

  /** Closes the database when the store opened it (not one it was given). */
  async close(): Promise<void> {
    if (this.#owned) this.db.close();
  }

  /** Runs `fn` in one write transaction; a `Refused` rolls it back and returns its index. */
  #write<T>(fn: () => T): T | number {
    try {
      return inTransaction(this.db, fn);
    } catch (error) {
      if (error instanceof Refused) return error.index;
      throw error;
    }
  }
}

/** A budget line refused: the reservation's transaction is rolled back. */
class Refused {
  constructor(readonly index: number) {}
}

/** A budget line as the named parameters of the reserve and settle statements. */
function lineParams(line: BudgetLine, now: number) {
  return {
    key: line.key,
    budget: line.budget,
    limit: line.limit,
    ps: line.periodStart,
    pps: line.previousStart,
    amount: line.amount,
    forget: line.forgetAfter,
    resets: line.resetsAt ?? null,
    now,
  };
}
