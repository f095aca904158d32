// One worker process of the budget fleet proof (postgres-budget-store.fleet.integration.test.ts):
// it makes CALLS concurrent calls through withBudget against the OpenAI-compatible server, every
// process sharing one PostgreSQL budget, and prints one JSON line with what it saw.
import { ChatOpenAI } from "@langchain/openai";
import { TokenBudget, withBudget } from "@tokenledger/langchain";
import { PostgresBudgetStore } from "@tokenledger/store/postgres";

const { PG_URL, BASE_URL, WORKER, CALLS, LIMITS, TTL_MS, STREAM } = process.env;
const store = new PostgresBudgetStore({ connectionString: PG_URL, max: 8 });
const budget = new TokenBudget({ limits: JSON.parse(LIMITS), store, reservationTtlMs: Number(TTL_MS) });
const chat = new ChatOpenAI({
  model: "gpt-4o-mini",
  apiKey: "test",
  maxTokens: 20,
  streaming: STREAM === "1",
  maxRetries: 0,
  configuration: { baseURL: BASE_URL },
});
const model = withBudget(chat, budget);

/** What the model runs told the callbacks: the budgets named on each started run, the errors of the failed ones. */
const runs = { started: 0, withBudgets: 0, refusedRuns: 0 };
const watcher = {
  handleChatModelStart(_llm, _messages, _runId, _parent, _extra, _tags, metadata) {
    runs.started++;
    if (Array.isArray(metadata?.tokenledger_budgets)) runs.withBudgets++;
  },
  handleLLMError(error) {
    if (error?.name === "BudgetExceededError") runs.refusedRuns++;
  },
};

const results = await Promise.all(
  Array.from({ length: Number(CALLS) }, async (_, i) => {
    const user = `u${i % 3}`;
    try {
      const reply = await model.invoke("Say something.", { metadata: { user_id: user, tenant_id: "acme" }, callbacks: [watcher] });
      return { ok: true, user, input: reply.usage_metadata?.input_tokens, output: reply.usage_metadata?.output_tokens };
    } catch (error) {
      const { name, budget: b, scopeKey, limit, spent, reserved, requested, resetsAt, message } = error;
      return { ok: false, user, error: { name, budget: b, scopeKey, limit, spent, reserved, requested, resetsAt, message } };
    }
  }),
);
process.stdout.write(`${JSON.stringify({ worker: WORKER, results, runs })}\n`);
await store.close();
