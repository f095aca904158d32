import pg from "pg";
import type { LedgerStore } from "../contract/index.js";
import {
  CREATE_MIGRATIONS_TABLE,
  INSERT_VERSION,
  MIGRATIONS_TABLE,
  pendingMigrations,
  RUN_COLUMNS,
  RUNS_TABLE,
  SELECT_VERSIONS,
  toRunRow,
  UPSERT_CONFLICT,
} from "../sql/index.js";
import { openSqlStore, type SqlDriver } from "../store/index.js";
import { inLockedTransaction } from "./in-locked-transaction.js";

export interface PostgresStoreOptions {
  /** `postgres://user:password@host:port/database`. */
  connectionString?: string;
  /** Your own pool instead (the store does not end it on `close()`). */
  pool?: pg.Pool;
  /** Connections of the store's own pool. Default 4. */
  poolSize?: number;
  /**
   * PostgreSQL's `synchronous_commit` for the store's own pool. Default true: a commit waits for
   * the server's WAL flush, so a committed record survives a crash of the database server too.
   * `false`: a commit returns before that flush (much sooner on a slow disk); a committed record
   * survives your process dying, but a server crash may lose the last fraction of a second
   * (PostgreSQL's `wal_writer_delay`, three times over). For your own `pool`, set it there.
   */
  synchronousCommit?: boolean;
}

/** The PostgreSQL array type of each column, for the `unnest` upsert. */
const COLUMN_TYPES: Record<(typeof RUN_COLUMNS)[number], string> = {
  run_id: "text",
  root_run_id: "text",
  parent_run_id: "text",
  model: "text",
  status: "text",
  user_id: "text",
  thread_id: "text",
  tenant_id: "text",
  input_tokens: "bigint",
  output_tokens: "bigint",
  total_tokens: "bigint",
  cost_pico: "bigint",
  started_at: "bigint",
  day: "text",
  late: "smallint",
  written_at: "bigint",
  record: "text",
};

const UPSERT = `INSERT INTO ${RUNS_TABLE} (${RUN_COLUMNS.join(", ")}) SELECT * FROM unnest(${RUN_COLUMNS.map(
  (c, i) => `$${i + 1}::${COLUMN_TYPES[c]}[]`,
).join(", ")}) ${UPSERT_CONFLICT}`;

/**
 * The fleet's store: PostgreSQL through `pg` (install it beside this package: `npm i pg`). Every
 * process of a fleet writes to one database; a batch is one statement (`INSERT ... SELECT FROM
 * unnest(...) ON CONFLICT`), so it commits whole or not at all. Connection errors of idle
 * connections of the store's own pool are absorbed: the next write fails, is reported and retried.
 *
 * @example
 * ```ts
 * import { createPostgresStore } from "@tokenledger/store/postgres";
 * const store = await createPostgresStore({ connectionString: process.env.DATABASE_URL });
 * store.attach(ledger, { durability: "sync" });
 * ```
 */
export async function createPostgresStore(options: PostgresStoreOptions): Promise<LedgerStore> {
  if (!options?.pool && typeof options?.connectionString !== "string")
    throw new TypeError("createPostgresStore needs a connectionString or a pool");
  const own = !options.pool;
  const pool =
    options.pool ??
    new pg.Pool({
      connectionString: options.connectionString,
      max: options.poolSize ?? 4,
      connectionTimeoutMillis: 10_000,
      ...(options.synchronousCommit === false ? { options: "-c synchronous_commit=off" } : {}),
    });
  if (own) pool.on("error", () => {});
  const driver: SqlDriver = {
    // Larger batches write slower here (bench/store.mjs), unlike SQLite.
    batchSize: 500,
    async migrate() {
      // One process migrates at a time; the others then see its versions.
      await inLockedTransaction(pool, MIGRATIONS_TABLE, async (client) => {
        await client.query(CREATE_MIGRATIONS_TABLE);
        const applied = (await client.query(SELECT_VERSIONS)).rows.map((row) => row.version);
        for (const migration of pendingMigrations(applied)) {
          for (const statement of migration.statements) await client.query(statement);
          await client.query(numbered(INSERT_VERSION), [migration.version, migration.name, Date.now()]);
        }
      });
    },
    async upsert(records) {
      const now = Date.now();
      const columns: unknown[][] = RUN_COLUMNS.map(() => new Array(records.length));
      records.forEach((record, r) => {
        toRunRow(record, now).forEach((value, c) => {
          (columns[c] as unknown[])[r] = value;
        });
      });
      // Named: parsed and planned once per connection.
      await pool.query({ name: "tokenledger_upsert_1", text: UPSERT, values: columns });
    },
    async all(sql, params) {
      return (await pool.query(numbered(sql), params)).rows;
    },
    async close() {
      if (own) await pool.end();
    },
  };
  try {
    return await openSqlStore(driver);
  } catch (error) {
    throw new Error(`cannot open the PostgreSQL store: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

/** `?` placeholders as PostgreSQL's `$1, $2, ...` (the shared statements quote no `?`). */
const numbered = (sql: string): string => {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
};
