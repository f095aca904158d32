import type Database from "libsql";

/** Between tries, in ms. */
const RETRY_MS = 10;
const pause = new Int32Array(new SharedArrayBuffer(4));

/**
 * Puts a database file in WAL mode, waiting up to `busyTimeoutMs` for it. Changing the journal
 * mode takes the file's exclusive lock, and SQLite can answer `SQLITE_BUSY` at once, without its
 * busy timeout (another process opening the same new file, or recovering the log of one that was
 * killed): so it is tried again every 10 ms. Synchronous, like the driver (the wait blocks the
 * thread, as SQLite's own does).
 *
 * @example
 * ```ts
 * enterWalMode(new Database("ledger.db"), 5_000);
 * ```
 */
export function enterWalMode(db: Database.Database, busyTimeoutMs: number): void {
  const deadline = Date.now() + busyTimeoutMs;
  for (;;) {
    try {
      db.exec("PRAGMA journal_mode = WAL");
      return;
    } catch (error) {
      if (!String((error as { code?: unknown })?.code).startsWith("SQLITE_BUSY") || Date.now() >= deadline) throw error;
      Atomics.wait(pause, 0, 0, RETRY_MS);
    }
  }
}
