#!/usr/bin/env node
// tokenledger's durable ledger: a small support desk (three users, their conversations) talks to
// a model; every run is written to an embedded SQLite file, attributed to its user, thread and
// tenant, and committed before `invoke` returns ("sync"). Then it reports on the file, as an
// operator would the next day: usage per user and model, and one conversation's runs.
// The model is an OpenAI-compatible server on 127.0.0.1 started here: nothing to install, no key.
import { parseArgs } from "node:util";
import { ChatOpenAI } from "@langchain/openai";
import { TokenLedgerHandler } from "@tokenledger/langchain";
import { startOpenAIServer } from "@tokenledger/openai-server";
import { createSqliteStore } from "@tokenledger/store/sqlite";

const { values } = parseArgs({
  options: { db: { type: "string", default: "ledger.db" }, json: { type: "boolean", default: false } },
});

const USERS = [
  { user_id: "ana", tenant_id: "acme", questions: ["Where is my order 1042?", "Can I change the delivery address?"] },
  { user_id: "ben", tenant_id: "acme", questions: ["How do I reset my password?"] },
  {
    user_id: "chen",
    tenant_id: "globex",
    questions: ["What does the premium plan include?", "Is there a yearly price?", "Cancel my trial."],
  },
];

// What the server counted for each call, to show that the stored numbers are the provider's.
let serverTokens = 0;
const server = await startOpenAIServer({
  usage: (_request, _reply, counted) => {
    serverTokens += counted.total_tokens;
    return counted;
  },
  // One call fails, as real ones sometimes do: the ledger stores failures too.
  fail: (request) =>
    JSON.stringify(request.messages).includes("Cancel my trial")
      ? { status: 503, message: "The server is overloaded", type: "server_error" }
      : undefined,
});
const store = await createSqliteStore({ path: values.db });
const ledger = new TokenLedgerHandler({ onError: () => {} });
const detach = store.attach(ledger, { durability: "sync" });
const model = new ChatOpenAI({ model: "gpt-4o-mini", apiKey: "embedded", maxRetries: 0, configuration: { baseURL: server.baseURL } });

const traces = [];
for (const { user_id, tenant_id, questions } of USERS) {
  const thread_id = `${user_id}-support`;
  const history = [{ role: "system", content: "You are a helpful support agent." }];
  for (const question of questions) {
    history.push({ role: "user", content: question });
    const runId = crypto.randomUUID();
    traces.push(runId);
    try {
      const reply = await model.invoke(history, { runId, callbacks: [ledger], metadata: { user_id, thread_id, tenant_id } });
      history.push({ role: "assistant", content: String(reply.content) });
    } catch {
      // stored as an error run; the conversation goes on
    }
  }
}
await detach();
await server.close();

// The report: from the file, not from memory.
const byUserModel = await store.usage({ by: ["user", "model"] });
const [totals] = await store.usage();
const conversation = await store.runs({ threadId: "chen-support" });
await store.close();

if (values.json) {
  console.log(JSON.stringify({ db: values.db, usage: byUserModel, totals, serverTokens, conversation }, null, 2));
} else {
  console.log(`ledger: ${values.db} (SQLite, WAL)\n`);
  console.log("user  model         calls  errors  tokens  cost");
  for (const r of byUserModel)
    console.log(
      `${String(r.user).padEnd(6)}${r.model.padEnd(14)}${String(r.calls).padStart(5)}${String(r.errors).padStart(8)}${String(r.totalTokens).padStart(8)}  $${r.costUsd.toFixed(6)}`,
    );
  console.log(
    `\ntotal: ${totals.calls} calls, ${totals.totalTokens} tokens (the server counted ${serverTokens}), $${totals.costUsd.toFixed(6)}`,
  );
  console.log("\nchen's conversation, newest first:");
  for (const r of conversation) console.log(`  ${r.status.padEnd(6)}${String(r.totalTokens).padStart(5)} tokens  ${r.error ?? ""}`);
  console.log(`\nnext: npx tokenledger report --store ${values.db} --by user,model --since 24h`);
}
