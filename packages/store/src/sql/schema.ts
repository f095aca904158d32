/** The table of runs, one row per run id. */
export const RUNS_TABLE = "tokenledger_runs";
/** The versions applied, one row each. */
export const MIGRATIONS_TABLE = "tokenledger_migrations";

/** One schema step; SQL both SQLite and PostgreSQL run as written. */
export interface Migration {
  version: number;
  name: string;
  statements: string[];
}

/**
 * The schema, in order. Indexes serve `runs()` (trace, user, thread) and every `usage()` range
 * (started_at); grouping by model, tenant or day reads the range. Each index slows every write. A
 * store applies the steps missing, each once (under a write lock, so many processes opening one
 * database at once apply them once). Never edit a released step: add one.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "runs",
    statements: [
      `CREATE TABLE ${RUNS_TABLE} (
        run_id TEXT PRIMARY KEY,
        root_run_id TEXT NOT NULL,
        parent_run_id TEXT,
        model TEXT NOT NULL,
        status TEXT NOT NULL,
        user_id TEXT,
        thread_id TEXT,
        tenant_id TEXT,
        input_tokens BIGINT NOT NULL,
        output_tokens BIGINT NOT NULL,
        total_tokens BIGINT NOT NULL,
        cost_pico BIGINT,
        started_at BIGINT NOT NULL,
        day TEXT NOT NULL,
        late SMALLINT NOT NULL,
        written_at BIGINT NOT NULL,
        record TEXT NOT NULL
      )`,
      `CREATE INDEX ${RUNS_TABLE}_started ON ${RUNS_TABLE} (started_at)`,
      `CREATE INDEX ${RUNS_TABLE}_trace ON ${RUNS_TABLE} (root_run_id, started_at)`,
      `CREATE INDEX ${RUNS_TABLE}_user ON ${RUNS_TABLE} (user_id, started_at)`,
      `CREATE INDEX ${RUNS_TABLE}_thread ON ${RUNS_TABLE} (thread_id, started_at)`,
    ],
  },
  {
    // An index led by the user puts each batch's entries at the end of every active user's part
    // of it: as many pages touched (and copied to the log at commit) as users in the batch, spread
    // over an index that grows with the ledger. Led by the day, a batch's entries fall within
    // today's part, so a write costs the same in a ledger of a year as in an empty one. `runs()`
    // reads a user's or thread's runs day by day, newest first. Run and trace ids need no day:
    // LangChain makes them as UUID v7, which begin with their time.
    version: 2,
    name: "day-led user and thread indexes",
    statements: [
      `DROP INDEX ${RUNS_TABLE}_user`,
      `DROP INDEX ${RUNS_TABLE}_thread`,
      `CREATE INDEX ${RUNS_TABLE}_day_user ON ${RUNS_TABLE} (day, user_id, started_at)`,
      `CREATE INDEX ${RUNS_TABLE}_day_thread ON ${RUNS_TABLE} (day, thread_id, started_at)`,
    ],
  },
];

/** Creates the migrations table when missing (inside the migration transaction). */
export const CREATE_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE} (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)`;
export const SELECT_VERSIONS = `SELECT version FROM ${MIGRATIONS_TABLE}`;
/** Records one applied step: parameters version, name, applied_at (`?` placeholders). */
export const INSERT_VERSION = `INSERT INTO ${MIGRATIONS_TABLE} (version, name, applied_at) VALUES (?, ?, ?)`;

/**
 * The steps a database that has `applied` still needs, in order. A database newer than this code
 * (a version it does not know) is refused with one clear error. Each driver runs them in one
 * transaction holding its write lock: `CREATE_MIGRATIONS_TABLE`, `SELECT_VERSIONS`, then each
 * step's statements and `INSERT_VERSION`.
 *
 * @example
 * ```ts
 * pendingMigrations([]).map((m) => m.version); // [1, 2]
 * ```
 */
export function pendingMigrations(applied: readonly unknown[], migrations: readonly Migration[] = MIGRATIONS): Migration[] {
  const versions = new Set(applied.map(Number));
  const newest = migrations.at(-1)?.version ?? 0;
  const unknown = [...versions].filter((v) => v > newest);
  if (unknown.length > 0)
    throw new Error(
      `the database has schema version ${Math.max(...unknown)}, newer than this @tokenledger/store knows (${newest}): upgrade it`,
    );
  return migrations.filter((m) => !versions.has(m.version));
}
