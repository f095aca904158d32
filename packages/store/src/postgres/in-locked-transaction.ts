import type pg from "pg";

/**
 * Runs `fn` on one connection of `pool` inside a transaction that first takes the advisory lock
 * named `lock` (held to its end), so that processes starting together run it one at a time (each
 * migration runner, for its own table). Commits, or rolls back and throws what `fn` threw; the
 * connection goes back to the pool either way.
 *
 * @example
 * ```ts
 * await inLockedTransaction(pool, "tokenledger_migrations", async (client) => { await client.query(sql); });
 * ```
 */
export async function inLockedTransaction<T>(pool: pg.Pool, lock: string, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    await client.query("SELECT pg_advisory_xact_lock(hashtext($1))", [lock]);
    const result = await fn(client);
    await client.query("COMMIT");
    return result;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
