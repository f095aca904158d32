import type Database from "libsql";

/**
 * Runs `fn` between `BEGIN IMMEDIATE` (SQLite's write lock, waited for up to the busy timeout) and
 * `COMMIT`, and returns what it returns; what it throws rolls the transaction back (if SQLite has
 * not already) and is thrown again. Synchronous from BEGIN to COMMIT, as the driver is.
 *
 * @example
 * ```ts
 * inTransaction(db, () => db.prepare("INSERT INTO t VALUES (?)").run(1));
 * ```
 */
export function inTransaction<T>(db: Database.Database, fn: () => T): T {
  db.exec("BEGIN IMMEDIATE");
  try {
    const result = fn();
    db.exec("COMMIT");
    return result;
  } catch (error) {
    if (db.inTransaction) db.exec("ROLLBACK");
    throw error;
  }
}
