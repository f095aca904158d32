import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { type BudgetLimit, TokenBudget } from "@tokenledger/langchain";
import { type OpenAIServer, startOpenAIServer, textTokens } from "@tokenledger/openai-server";
import { PostgresBudgetStore } from "@tokenledger/store/postgres";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestPostgres, type TestPostgres } from "../postgres/start-postgres.test-helper.js";
import { check, op } from "./budget-store-model.test-helper.js";

/**
 * The guarantee, proven on a fleet: 6 worker processes x 100 concurrent calls through
 * `withBudget` against the OpenAI-compatible server, sharing daily budgets in one real
 * PostgreSQL. Every call is the same prompt and a reply of exactly `maxTokens` tokens, so for
 * this exactly counted model each reservation equals what the call costs: the estimate error is
 * 0, and the stated bound is spent <= limit exactly.
 */
const WORKERS = 6;
const CALLS = 100;
const MAX_TOKENS = 20;
const WORKER = fileURLToPath(new URL("./budget-fleet-worker.test-helper.mjs", import.meta.url));

let pg: TestPostgres;
let server: OpenAIServer;
let slow: OpenAIServer;
const reply = () => ({ content: " word".repeat(MAX_TOKENS).trim() });

beforeAll(async () => {
  pg = await startTestPostgres();
  server = await startOpenAIServer({ reply });
  slow = await startOpenAIServer({ reply, chunkDelayMs: 2000 });
}, 120_000);

afterAll(async () => {
  await server?.close();
  await slow?.close();
  await pg?.stop();
}, 60_000);

function runWorker(env: Record<string, string>): { child: ChildProcess; done: Promise<{ code: number | null; out: string; err: string }> } {
  const child = spawn(process.execPath, [WORKER], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (err += d));
  const done = new Promise<{ code: number | null; out: string; err: string }>((resolve) =>
    child.on("close", (code) => resolve({ code, out, err })),
  );
  return { child, done };
}

describe("PostgresBudgetStore: a fleet of processes behaves as one budget", () => {
  it("6 workers x 100 concurrent calls: a third refused, spent <= limit, every refusal explained, no reservation left", async () => {
    // What one call costs: the server's own count of the prompt, plus the reply.
    expect(textTokens("gpt-4o-mini", reply().content)).toBe(MAX_TOKENS);
    const probe = new TokenBudget({ limits: [{ name: "probe", scope: "global", period: "day", quantity: "total", limit: 1e9 }] });
    const held = await probe.reserve({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "Say something." }],
      maxOutputTokens: MAX_TOKENS,
    });
    const perCall = held.estimate.inputTokens + MAX_TOKENS;
    // 3 users x 200 calls; each user's day allows two thirds of theirs.
    const userLimit = Math.floor((2 * (WORKERS * CALLS)) / 3 / 3) * perCall;
    const limits: BudgetLimit[] = [
      { name: "user-daily", scope: "user", period: "day", quantity: "total", limit: userLimit, timeZone: "Europe/Paris" },
      { name: "tenant-monthly-usd", scope: "tenant", period: "month", quantity: "usd", limit: 5 },
    ];
    const workers = Array.from({ length: WORKERS }, (_, w) =>
      runWorker({
        PG_URL: pg.connectionString,
        BASE_URL: server.baseURL,
        WORKER: String(w),
        CALLS: String(CALLS),
        LIMITS: JSON.stringify(limits),
        TTL_MS: "600000",
      }),
    );
    const outputs = await Promise.all(workers.map((w) => w.done));
    for (const o of outputs) expect(o.code, o.err).toBe(0);
    const reports = outputs.map((o) => JSON.parse(o.out.trim().split("\n").at(-1)!));
    const results = reports.flatMap((r) => r.results);
    expect(results).toHaveLength(WORKERS * CALLS);

    const ok = results.filter((r) => r.ok);
    const refused = results.filter((r) => !r.ok);
    // Every call that went through cost exactly what was reserved (the server's usage is the reference).
    for (const r of ok) expect([r.input, r.output]).toEqual([held.estimate.inputTokens, MAX_TOKENS]);
    // Exactly limit / perCall calls fit each user's day (133 of 200): at least a third are refused.
    expect(ok.length).toBe(3 * (userLimit / perCall));
    expect(refused.length).toBe(WORKERS * CALLS - ok.length);
    expect(refused.length).toBeGreaterThanOrEqual((WORKERS * CALLS) / 3);
    for (const r of refused) {
      expect(r.error).toMatchObject({
        name: "BudgetExceededError",
        budget: "user-daily",
        scopeKey: r.user,
        limit: userLimit,
        requested: perCall,
      });
      expect(r.error.spent + r.error.reserved + perCall).toBeGreaterThan(userLimit);
      expect(Date.parse(r.error.resetsAt)).toBeGreaterThan(Date.now());
      expect(r.error.message).toContain("user-daily");
    }
    // The ledger's view: every model run that started named its budgets; every refusal was reported as a failed run.
    const runs = reports.reduce(
      (s, r) => ({ withBudgets: s.withBudgets + r.runs.withBudgets, refusedRuns: s.refusedRuns + r.runs.refusedRuns }),
      { withBudgets: 0, refusedRuns: 0 },
    );
    expect(runs.refusedRuns).toBe(refused.length);
    expect(runs.withBudgets).toBe(ok.length + refused.length);

    const store = new PostgresBudgetStore({ connectionString: pg.connectionString });
    const budget = new TokenBudget({ limits, store });
    try {
      for (const user of ["u0", "u1", "u2"]) {
        const [daily, usd] = await budget.status({ userId: user, tenantId: "acme" });
        const used = ok.filter((r) => r.user === user).reduce((s, r) => s + r.input + r.output, 0);
        // spent <= limit (+ the bound, 0 here), and it is exactly what the server reported: nothing lost.
        expect(daily!.spent).toBe(used);
        expect(daily!.spent).toBeLessThanOrEqual(userLimit);
        expect(daily!.reserved).toBe(0);
        expect(usd!.reserved).toBe(0);
      }
      expect(await store.activeReservations()).toBe(0);
      console.log(
        `fleet: ${WORKERS} workers x ${CALLS} calls, ${ok.length} settled, ${refused.length} refused; per user limit ${userLimit}, spent ${(await budget.status({ userId: "u0", tenantId: "acme" }))[0]!.spent}`,
      );
    } finally {
      await store.close();
    }
  }, 300_000);

  it("a worker killed mid-call (SIGKILL) leaves reservations that expire after the TTL, and then none is left", async () => {
    const limits: BudgetLimit[] = [{ name: "crash-daily", scope: "user", period: "day", quantity: "total", limit: 1_000_000 }];
    const TTL = 3000;
    const w = runWorker({
      PG_URL: pg.connectionString,
      BASE_URL: slow.baseURL,
      WORKER: "doomed",
      CALLS: "30",
      LIMITS: JSON.stringify(limits),
      TTL_MS: String(TTL),
      STREAM: "1",
    });
    const store = new PostgresBudgetStore({ connectionString: pg.connectionString });
    const budget = new TokenBudget({ limits, store });
    try {
      // Wait until its calls hold their reservations (the slow server keeps them in flight), then kill it.
      const deadline = Date.now() + 60_000;
      while ((await store.activeReservations()) < 30 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(await store.activeReservations()).toBe(30);
      w.child.kill("SIGKILL");
      expect((await w.done).code).toBe(null);
      const killedAt = Date.now();
      const before = await budget.status({ userId: "u0" });
      expect(before[0]!.reserved).toBeGreaterThan(0);
      // Before the TTL nothing expires; after it, any process's sweep releases them.
      expect(await store.expire(killedAt - TTL)).toBe(0);
      await new Promise((r) => setTimeout(r, TTL + 200));
      expect(await budget.expire()).toBe(30);
      expect(await store.activeReservations()).toBe(0);
      for (const user of ["u0", "u1", "u2"]) expect((await budget.status({ userId: user }))[0]).toMatchObject({ reserved: 0, spent: 0 });
    } finally {
      w.child.kill("SIGKILL");
      await store.close();
    }
  }, 120_000);

  it("the same model test as the other stores: reserve / settle / release / expire sequences (fast-check)", async () => {
    const shared = new PostgresBudgetStore({ connectionString: pg.connectionString, max: 2 });
    // Each sequence on emptied tables, through a store over one shared pool.
    const fresh = () => new PostgresBudgetStore(shared.pool);
    await shared.activeReservations(); // makes the tables
    try {
      await fc.assert(
        fc.asyncProperty(fc.array(op, { minLength: 10, maxLength: 50 }), async (ops) => {
          await shared.pool.query("DELETE FROM tokenledger_budget_counters; DELETE FROM tokenledger_budget_reservations");
          await check(fresh, ops);
        }),
        { numRuns: 60 },
      );
    } finally {
      await shared.close();
    }
  }, 300_000);
});
