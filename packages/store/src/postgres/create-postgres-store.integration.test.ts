import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MIGRATIONS } from "../sql/index.js";
import { describeLedgerStore, expectDefaultBatchSize } from "../store/ledger-store.test-helper.js";
import { sampleRecord } from "../store/sample-records.test-helper.js";
import { createPostgresStore } from "./create-postgres-store.js";
import { startTestPostgres, type TestPostgres } from "./start-postgres.test-helper.js";

let server: TestPostgres;
let admin: pg.Client;
beforeAll(async () => {
  server = await startTestPostgres();
  admin = new pg.Client({ connectionString: server.connectionString });
  await admin.connect();
}, 120_000);
afterAll(async () => {
  await admin?.end();
  await server?.stop();
});

/** A fresh database per store, so each test starts empty. */
async function freshDatabase(): Promise<string> {
  const name = `ledger_${randomUUID().replaceAll("-", "")}`;
  await admin.query(`CREATE DATABASE ${name}`);
  return server.connectionString.replace(/\/postgres$/, `/${name}`);
}

describeLedgerStore("postgres", async () => createPostgresStore({ connectionString: await freshDatabase() }));

describe("createPostgresStore", () => {
  it("migrates once when many processes' stores open one database at the same moment", async () => {
    const connectionString = await freshDatabase();
    const stores = await Promise.all(Array.from({ length: 6 }, () => createPostgresStore({ connectionString })));
    await Promise.all(stores.map((s, i) => s.write([sampleRecord({ runId: `r${i}` })])));
    for (const s of stores) await s.close();
    const client = new pg.Client({ connectionString });
    await client.connect();
    expect((await client.query("SELECT version, name FROM tokenledger_migrations ORDER BY version")).rows).toEqual(
      MIGRATIONS.map(({ version, name }) => ({ version, name })),
    );
    expect((await client.query("SELECT count(*)::int AS n FROM tokenledger_runs")).rows[0].n).toBe(6);
    await client.end();
  });

  it("writes 500 records a transaction by default: a batch waits for its 500th record (or flushMs)", async () => {
    await expectDefaultBatchSize(await createPostgresStore({ connectionString: await freshDatabase() }), 500);
  });

  it("uses a pool it is given and leaves it open", async () => {
    const pool = new pg.Pool({ connectionString: await freshDatabase(), max: 2 });
    const store = await createPostgresStore({ pool });
    await store.write([sampleRecord({ runId: "p1" })]);
    await store.close();
    expect((await pool.query("SELECT count(*)::int AS n FROM tokenledger_runs")).rows[0].n).toBe(1);
    await pool.end();
  });

  it("fails to open an unreachable database with one clear error", async () => {
    await expect(createPostgresStore({ connectionString: "postgres://x:y@127.0.0.1:9/none" })).rejects.toThrow(
      /cannot open the PostgreSQL store: .*ECONNREFUSED/,
    );
    await expect(createPostgresStore({} as never)).rejects.toThrow(/needs a connectionString or a pool/);
  });
});
