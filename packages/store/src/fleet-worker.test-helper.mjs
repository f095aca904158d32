// One process of the fleet tests: CONCURRENCY concurrent ChatOpenAI invokes, its ledger attached
// to one shared store. It tells the parent each invoke that returned (after it returned: in sync
// mode its record is committed by then), then waits for "finish", writes what is queued, closes.
import { randomUUID } from "node:crypto";
import { ChatOpenAI } from "@langchain/openai";
import { TokenLedgerHandler } from "@tokenledger/langchain";

const { STORE, DURABILITY, BASE_URL, WORKER, CONCURRENCY, BUSY_TIMEOUT_MS } = process.env;
const store = STORE.startsWith("postgres://")
  ? await (await import("@tokenledger/store/postgres")).createPostgresStore({ connectionString: STORE, poolSize: 4 })
  : await (await import("@tokenledger/store/sqlite")).createSqliteStore({ path: STORE, busyTimeoutMs: Number(BUSY_TIMEOUT_MS ?? 5000) });
const ledger = new TokenLedgerHandler({ onError: (e) => process.send({ type: "ledger-error", message: e.message }) });
const storeErrors = { "write-failed": 0, dropped: 0 };
store.attach(ledger, {
  durability: DURABILITY,
  flushMs: 100,
  retryMs: 100,
  onError: (event) => {
    storeErrors[event.kind] += 1;
  },
});
// Retries: 1,000 connections opening at once can overflow the server's accept queue on a loaded
// machine; a retried call is still one run (one runId, one record).
const model = new ChatOpenAI({ model: "gpt-4o-mini", apiKey: "test", maxRetries: 3, configuration: { baseURL: BASE_URL } });
const finish = new Promise((resolve) => process.on("message", (m) => m === "finish" && resolve()));

const failures = [];
await Promise.all(
  Array.from({ length: Number(CONCURRENCY) }, async (_, i) => {
    const runId = randomUUID();
    try {
      await model.invoke(`run ${runId}: ${"word ".repeat(i % 17)}`, {
        runId,
        callbacks: [ledger],
        metadata: { user_id: `user-${WORKER}`, thread_id: `thread-${WORKER}-${i % 5}`, tenant_id: "fleet" },
      });
      process.send({ type: "returned", runId });
    } catch (error) {
      failures.push(String(error));
    }
  }),
);
process.send({ type: "invoked", failures });
await finish;
for (let i = 0; i < 300 && store.stats().queued > 0; i++) {
  await store.flush();
  if (store.stats().queued > 0) await new Promise((resolve) => setTimeout(resolve, 100));
}
const stats = store.stats();
await store.close();
process.send({ type: "done", stats, storeErrors }, () => process.exit(0));
