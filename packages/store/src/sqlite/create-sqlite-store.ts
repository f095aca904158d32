import type { LlmRunRecord } from "@tokenledger/langchain";
import Database from "libsql";
import type { LedgerStore } from "../contract/index.js";
import {
  CREATE_MIGRATIONS_TABLE,
  INSERT_VERSION,
  pendingMigrations,
  RUN_COLUMNS,
  RUNS_TABLE,
  SELECT_VERSIONS,
  toRunRow,
  UPSERT_CONFLICT,
} from "../sql/index.js";
import { openSqlStore, type SqlDriver } from "../store/index.js";
import { enterWalMode } from "./enter-wal-mode.js";
import { inTransaction } from "./in-transaction.js";

/** Rows per INSERT statement (17 parameters each, under SQLite's limit of 32,766). */
const ROWS_PER_STATEMENT = 50;

/**
 * Records per write (transaction) by default. Each commit copies every index page it touched to
 * the log, so more records per commit share those pages; the lock is held that much longer.
 */
const BATCH_SIZE = 2_000;
/** The page cache of the connection, in KiB. */
const CACHE_KIB = 64 * 1024;
/** WAL pages (4 KiB by default) after which a commit checkpoints them into the file. */
const WAL_CHECKPOINT_PAGES = 16_384;
/** The WAL file is truncated to this after a checkpoint. */
const WAL_LIMIT_BYTES = 64 * 1024 * 1024;

export interface SqliteStoreOptions {
  /** The database file (created when missing), or `:memory:`. */
  path: string;
  /** How long a write waits for another process's write lock before it fails (and is retried). Default 5,000 ms. */
  busyTimeoutMs?: number;
}

/**
 * The embedded store: a SQLite file in WAL mode through `libsql` (install it beside this
 * package: `npm i libsql`; its binaries ship as npm packages, no compiler). Many processes may
 * share one file: a writer waits up to `busyTimeoutMs` for another's lock. Commits are
 * `synchronous = NORMAL`: durable when the process dies; a power loss may lose the last ones.
 * Each connection keeps up to 64 MiB of pages in memory and checkpoints its WAL every 64 MiB.
 *
 * @example
 * ```ts
 * import { createSqliteStore } from "@tokenledger/store/sqlite";
 * const store = await createSqliteStore({ path: "ledger.db" });
 * store.attach(ledger, { durability: "batched" });
 * ```
 */
export async function createSqliteStore(options: SqliteStoreOptions): Promise<LedgerStore> {
  if (typeof options?.path !== "string" || options.path === "") throw new TypeError("createSqliteStore needs a path");
  const busy = options.busyTimeoutMs ?? 5_000;
  if (!Number.isInteger(busy) || busy < 0) throw new TypeError(`busyTimeoutMs must be a non-negative integer, not ${String(busy)}`);
  const db = new Database(options.path);
  try {
    db.exec(`PRAGMA busy_timeout = ${busy}`);
    if (options.path !== ":memory:") enterWalMode(db, busy);
    db.exec("PRAGMA synchronous = NORMAL");
    // Random run ids put each batch's index entries on pages all over the indexes: a cache that
    // holds the indexes saves reading them back, and a longer WAL between checkpoints copies a page
    // dirtied by many batches into the file once. Both bounded (pages, then the WAL is truncated).
    db.exec(`PRAGMA cache_size = -${CACHE_KIB}`);
    db.exec(`PRAGMA wal_autocheckpoint = ${WAL_CHECKPOINT_PAGES}`);
    db.exec(`PRAGMA journal_size_limit = ${WAL_LIMIT_BYTES}`);
  } catch (error) {
    db.close();
    throw error;
  }
  const row = `(${RUN_COLUMNS.map(() => "?").join(", ")})`;
  /** Upserts of 1 to ROWS_PER_STATEMENT rows, by row count: fewer calls into the driver. */
  const upserts = new Map<number, Database.Statement<unknown[]>>();
  const upsertOf = (rows: number) => {
    let statement = upserts.get(rows);
    if (!statement) {
      const sql = `INSERT INTO ${RUNS_TABLE} (${RUN_COLUMNS.join(", ")}) VALUES ${Array(rows).fill(row).join(", ")} ${UPSERT_CONFLICT}`;
      statement = db.prepare(sql) as Database.Statement<unknown[]>;
      upserts.set(rows, statement);
    }
    return statement;
  };
  const driver: SqlDriver = {
    batchSize: BATCH_SIZE,
    // Synchronous from BEGIN to COMMIT: a wait for the lock blocks the thread, so nothing of this
    // process may hold the lock across an await.
    async migrate() {
      inTransaction(db, () => {
        db.exec(CREATE_MIGRATIONS_TABLE);
        const applied = db.prepare(SELECT_VERSIONS).all() as { version: unknown }[];
        for (const migration of pendingMigrations(applied.map((row) => row.version))) {
          for (const statement of migration.statements) db.exec(statement);
          db.prepare(INSERT_VERSION).run(migration.version, migration.name, Date.now());
        }
      });
    },
    async upsert(records) {
      const now = Date.now();
      inTransaction(db, () => {
        for (let i = 0; i < records.length; i += ROWS_PER_STATEMENT) {
          const rows = Math.min(ROWS_PER_STATEMENT, records.length - i);
          const params = new Array<unknown>(rows * RUN_COLUMNS.length);
          let at = 0;
          for (let r = i; r < i + rows; r++) for (const value of toRunRow(records[r] as LlmRunRecord, now)) params[at++] = value;
          upsertOf(rows).run(params);
        }
      });
    },
    async all(sql, params) {
      return (db.prepare(sql) as Database.Statement<unknown[]>).all(...params) as Record<string, unknown>[];
    },
    async close() {
      db.close();
    },
  };
  return openSqlStore(driver);
}
