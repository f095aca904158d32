import { type ChildProcess, fork } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type OpenAIServer, startOpenAIServer, type Usage } from "@tokenledger/openai-server";
import Database from "libsql";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestPostgres, type TestPostgres } from "./postgres/start-postgres.test-helper.js";

// The proof of issue #33 item 5: 4 processes x 250 concurrent ChatOpenAI invokes against a local
// OpenAI-compatible server, all writing to one store, over the built dist/ (as users run it).
const WORKERS = 4;
const CONCURRENCY = 250;
const workerScript = fileURLToPath(new URL("./fleet-worker.test-helper.mjs", import.meta.url));

interface Row {
  run_id: string;
  input_tokens: unknown;
  output_tokens: unknown;
  user_id: string | null;
}

interface Fleet {
  /** Each worker's runIds whose invoke returned, as it reported them. */
  returned: Set<string>[];
  /** Workers that finished: their stats and error counts. */
  done: Map<
    number,
    { stats: { written: number; queued: number; failedWrites: number; dropped: number }; storeErrors: Record<string, number> }
  >;
  failures: string[];
}

/** What the server counted for each run (the run id is in the prompt). */
function usageLog(): {
  usageByRun: Map<string, Usage>;
  usage: (request: { messages: { content?: unknown }[] }, reply: unknown, counted: Usage) => Usage;
} {
  const usageByRun = new Map<string, Usage>();
  return {
    usageByRun,
    usage: (request, _reply, counted) => {
      const id = /run ([0-9a-f-]{36})/.exec(JSON.stringify(request.messages))?.[1];
      if (id) usageByRun.set(id, counted);
      return counted;
    },
  };
}

/**
 * Runs the fleet. `during(fleet, returnedSoFar)` is called on every report, to kill a worker or
 * stop the database; the workers are told to finish once `ready()` resolves.
 */
async function runFleet(
  env: Record<string, string>,
  during: (fleet: Fleet, workers: ChildProcess[], total: number) => void,
  ready: () => Promise<void> = async () => {},
): Promise<Fleet> {
  const fleet: Fleet = { returned: Array.from({ length: WORKERS }, () => new Set()), done: new Map(), failures: [] };
  const workers = Array.from({ length: WORKERS }, (_, w) =>
    fork(workerScript, [], { env: { ...process.env, ...env, WORKER: String(w), CONCURRENCY: String(CONCURRENCY) }, stdio: "pipe" }),
  );
  let total = 0;
  let invoked = 0;
  const exits = workers.map(
    (child, w) =>
      new Promise<void>((resolve) => {
        let stderr = "";
        child.stderr?.on("data", (d) => {
          stderr += d;
        });
        child.on("message", (m: { type: string; runId?: string; failures?: string[]; stats?: never; storeErrors?: never }) => {
          if (m.type === "returned" && m.runId) {
            fleet.returned[w]?.add(m.runId);
            total++;
            during(fleet, workers, total);
          } else if (m.type === "invoked") {
            fleet.failures.push(...(m.failures ?? []));
            if (++invoked === workers.filter((c) => c.exitCode === null && c.signalCode === null).length)
              void ready().then(() => finishAll());
          } else if (m.type === "done") fleet.done.set(w, { stats: m.stats as never, storeErrors: m.storeErrors as never });
        });
        child.on("exit", (code, signal) => {
          if (code !== 0 && signal !== "SIGKILL") fleet.failures.push(`worker ${w} exited ${code ?? signal}: ${stderr}`);
          // A killed worker no longer counts towards "every worker invoked".
          if (signal === "SIGKILL" && invoked === workers.filter((c) => c.exitCode === null && c.signalCode === null).length)
            void ready().then(() => finishAll());
          resolve();
        });
      }),
  );
  let finished = false;
  const finishAll = () => {
    if (finished) return;
    finished = true;
    for (const child of workers) if (child.connected) child.send("finish");
  };
  await Promise.all(exits);
  return fleet;
}

/** Checks the rows against what the workers saw return and what the server counted. */
function checkRows(rows: Row[], fleet: Fleet, usageByRun: Map<string, Usage>, killed: number | undefined) {
  const byRun = new Map<string, Row[]>();
  for (const row of rows) byRun.set(row.run_id, [...(byRun.get(row.run_id) ?? []), row]);
  // every row is a run the server answered, stored once
  expect([...byRun.values()].every((list) => list.length === 1)).toBe(true);
  expect(rows.every((row) => usageByRun.has(row.run_id))).toBe(true);
  let returned = 0;
  let input = 0;
  let output = 0;
  let serverInput = 0;
  let serverOutput = 0;
  for (const [w, ids] of fleet.returned.entries()) {
    if (w !== killed) expect(ids.size).toBe(CONCURRENCY);
    for (const id of ids) {
      const found = byRun.get(id);
      expect(found, `run ${id} of worker ${w} returned but has no row`).toHaveLength(1);
      const row = found?.[0] as Row;
      const counted = usageByRun.get(id) as Usage;
      expect([Number(row.input_tokens), Number(row.output_tokens)]).toEqual([counted.prompt_tokens, counted.completion_tokens]);
      expect(row.user_id).toBe(`user-${w}`);
      returned++;
      input += Number(row.input_tokens);
      output += Number(row.output_tokens);
      serverInput += counted.prompt_tokens;
      serverOutput += counted.completion_tokens;
    }
  }
  expect(input).toBe(serverInput);
  expect(output).toBe(serverOutput);
  return { returned, rows: rows.length, input, output };
}

const SELECT_ROWS = "SELECT run_id, input_tokens, output_tokens, user_id FROM tokenledger_runs";
let server: OpenAIServer;
let log: ReturnType<typeof usageLog>;
beforeAll(async () => {
  log = usageLog();
  server = await startOpenAIServer({ usage: log.usage });
});
afterAll(async () => {
  await server?.close();
});

describe("the fleet on one PostgreSQL", () => {
  let database: TestPostgres;
  let admin: pg.Client;
  let n = 0;
  beforeAll(async () => {
    database = await startTestPostgres();
    admin = new pg.Client({ connectionString: database.connectionString });
    // The restart test ends this connection: it is only used before that.
    admin.on("error", () => {});
    await admin.connect();
  }, 120_000);
  afterAll(async () => {
    await admin?.end().catch(() => {});
    await database?.stop();
  });
  const freshDatabase = async () => {
    const name = `fleet_${++n}`;
    await admin.query(`CREATE DATABASE ${name}`);
    return database.connectionString.replace(/\/postgres$/, `/${name}`);
  };
  const rowsOf = async (connectionString: string) => {
    const client = new pg.Client({ connectionString });
    await client.connect();
    const rows = (await client.query(SELECT_ROWS)).rows as Row[];
    await client.end();
    return rows;
  };

  it("sync: a worker SIGKILLed mid-run loses no returned invoke; every returned run has exactly one row with the server's numbers", async () => {
    const connectionString = await freshDatabase();
    let killed = false;
    const fleet = await runFleet({ STORE: connectionString, DURABILITY: "sync", BASE_URL: server.baseURL }, (f, workers) => {
      // At its first returned invoke: most of its 250 are still in flight.
      if (!killed && (f.returned[0]?.size ?? 0) >= 1) {
        killed = true;
        workers[0]?.kill("SIGKILL");
      }
    });
    expect(fleet.failures).toEqual([]);
    expect(killed).toBe(true);
    const rows = await rowsOf(connectionString);
    const result = checkRows(rows, fleet, log.usageByRun, 0);
    expect(fleet.returned[0]?.size).toBeLessThan(CONCURRENCY);
    for (const w of [1, 2, 3])
      expect(fleet.done.get(w)?.stats).toMatchObject({ queued: 0, dropped: 0, failedWrites: 0, written: CONCURRENCY });
    console.info(
      `postgres sync + SIGKILL: ${result.returned} returned invokes, ${result.rows} rows, ${result.input} input / ${result.output} output tokens = the server's`,
    );
  }, 90_000);

  it("batched: PostgreSQL stopped and restarted mid-run; the queued records land afterwards, none twice", async () => {
    const connectionString = await freshDatabase();
    let stopping: Promise<void> | undefined;
    let restarted: Promise<void> | undefined;
    const fleet = await runFleet(
      { STORE: connectionString, DURABILITY: "batched", BASE_URL: server.baseURL },
      (_f, _workers, total) => {
        if (!stopping && total >= 150) {
          stopping = database.pause();
          restarted = stopping.then(() => new Promise((resolve) => setTimeout(resolve, 1_500))).then(() => database.start());
        }
      },
      async () => {
        await restarted;
      },
    );
    expect(fleet.failures).toEqual([]);
    expect(stopping).toBeDefined();
    const rows = await rowsOf(connectionString);
    const result = checkRows(rows, fleet, log.usageByRun, undefined);
    expect(result.rows).toBe(WORKERS * CONCURRENCY);
    const stats = [...fleet.done.values()].map((d) => d.stats);
    expect(stats.reduce((s, x) => s + x.failedWrites, 0)).toBeGreaterThan(0);
    expect(stats.every((x) => x.dropped === 0 && x.queued === 0)).toBe(true);
    console.info(
      `postgres batched + restart: ${result.rows} rows for ${result.returned} invokes; failed writes retried: ${stats.map((x) => x.failedWrites).join(", ")}`,
    );
  }, 120_000);
});

describe("the fleet on one embedded SQLite file (4 processes)", () => {
  const dir = mkdtempSync(join(tmpdir(), "tokenledger-fleet-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const rowsOf = (path: string) => {
    const db = new Database(path);
    const rows = db.prepare(SELECT_ROWS).all() as Row[];
    db.close();
    return rows;
  };

  it("sync: a worker SIGKILLed mid-run loses no returned invoke; every returned run has exactly one row with the server's numbers", async () => {
    const path = join(dir, "sync.db");
    let killed = false;
    const fleet = await runFleet({ STORE: path, DURABILITY: "sync", BASE_URL: server.baseURL }, (f, workers) => {
      // At its first returned invoke: most of its 250 are still in flight.
      if (!killed && (f.returned[0]?.size ?? 0) >= 1) {
        killed = true;
        workers[0]?.kill("SIGKILL");
      }
    });
    expect(fleet.failures).toEqual([]);
    expect(killed).toBe(true);
    const result = checkRows(rowsOf(path), fleet, log.usageByRun, 0);
    expect(fleet.returned[0]?.size).toBeLessThan(CONCURRENCY);
    for (const w of [1, 2, 3]) expect(fleet.done.get(w)?.stats).toMatchObject({ queued: 0, dropped: 0, written: CONCURRENCY });
    console.info(`sqlite sync + SIGKILL: ${result.returned} returned invokes, ${result.rows} rows, tokens = the server's`);
  }, 90_000);

  it("batched: the file locked by another process mid-run; the queued records land afterwards, none twice", async () => {
    const path = join(dir, "batched.db");
    let locker: Database.Database | undefined;
    let released: Promise<void> | undefined;
    const fleet = await runFleet(
      { STORE: path, DURABILITY: "batched", BASE_URL: server.baseURL, BUSY_TIMEOUT_MS: "50" },
      (_f, _workers, total) => {
        if (!locker && total >= 150) {
          locker = new Database(path);
          locker.exec("PRAGMA busy_timeout = 5000");
          locker.exec("BEGIN IMMEDIATE");
          released = new Promise((resolve) =>
            setTimeout(() => {
              locker?.exec("COMMIT");
              locker?.close();
              resolve();
            }, 1_500),
          );
        }
      },
      async () => {
        await released;
      },
    );
    expect(fleet.failures).toEqual([]);
    const result = checkRows(rowsOf(path), fleet, log.usageByRun, undefined);
    expect(result.rows).toBe(WORKERS * CONCURRENCY);
    const stats = [...fleet.done.values()].map((d) => d.stats);
    expect(stats.reduce((s, x) => s + x.failedWrites, 0)).toBeGreaterThan(0);
    expect(stats.every((x) => x.dropped === 0 && x.queued === 0)).toBe(true);
    console.info(`sqlite batched + lock: ${result.rows} rows; failed writes retried: ${stats.map((x) => x.failedWrites).join(", ")}`);
  }, 120_000);
});
