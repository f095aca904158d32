// trimHistory for models with their own chat template (Llama 3.1, Gemma 3), on the same chat
// history as trim.mjs: the first trim of a long history (nothing counted before) and the trim
// after one more message. Budget: a third of the history's tokens (contents + 5 a message).
// Each kept history is checked: within the budget by the model's own count.
import { AIMessage, HumanMessage, SystemMessage } from "@langchain/core/messages";
import { countMessages, loadEncoding } from "@tokenledger/core";
import { trimHistory } from "@tokenledger/langchain";
import { chatHistory } from "./corpora.mjs";

const MODELS = [
  ["llama3_1", "meta-llama/Llama-3.1-8B-Instruct"],
  ["gemma3", "google/gemma-3-27b-it"],
];
const SIZES = [300, 1_000];
/** A first trim of a templated history renders the template O(log n) times: this bounds 1,000 messages. */
const FIRST_TRIM_TARGET_MS = 1_000;

const toLangChain = (m) =>
  m.role === "system" ? new SystemMessage(m.content) : m.role === "user" ? new HumanMessage(m.content) : new AIMessage(m.content);

export async function benchTrimTemplated(corpora, timed) {
  const rows = [["model", "messages", "budget", "kept", "first trim ms", "again +1 message ms"]];
  const checks = [];
  for (const [family, model] of MODELS) {
    for (const n of SIZES) {
      // A new history for each run (other lines than the one before), so that no count is cached.
      const history = chatHistory(corpora.english, corpora.chinese, n + SIZES.length)
        .slice(SIZES.indexOf(n))
        .map((m, i) => (i === 0 ? new SystemMessage(m.content) : toLangChain(m)));
      // The budget from the contents alone: counting the history through its template first would
      // leave its prefixes cached.
      const encoder = await loadEncoding(family);
      const maxTokens = Math.floor(history.reduce((sum, m) => sum + encoder.count(m.content) + 5, 0) / 3);
      let kept;
      const firstMs = await timed(() => (kept = trimHistory(history, { maxTokens, model, includeSystem: true })));
      history.push(new HumanMessage(`And one more question about message ${n}?`));
      let again;
      const againMs = await timed(() => (again = trimHistory(history, { maxTokens, model, includeSystem: true })));
      const used = countOf(again, model);
      rows.push([
        model,
        n.toLocaleString("en"),
        maxTokens.toLocaleString("en"),
        String(kept.length),
        firstMs.toFixed(1),
        againMs.toFixed(1),
      ]);
      checks.push({ model, n, firstMs, againMs, used, maxTokens });
    }
  }
  return { rows, checks, target: FIRST_TRIM_TARGET_MS };
}

function countOf(messages, model) {
  const role = (m) => ({ human: "user", ai: "assistant", system: "system" })[m.getType()];
  return countMessages(
    messages.map((m) => ({ role: role(m), content: m.content })),
    { model },
  ).total;
}

// Alone: `node trim-templated.mjs` prints the table.
if (import.meta.url === `file://${process.argv[1]}`) {
  const { loadCorpora } = await import("./corpora.mjs");
  const timed = async (fn) => {
    const start = performance.now();
    await fn();
    return performance.now() - start;
  };
  const { rows, checks, target } = await benchTrimTemplated(loadCorpora(), timed);
  for (const row of rows) console.log(`| ${row.join(" | ")} |`);
  for (const c of checks) {
    if (c.used > c.maxTokens) console.error(`OVER BUDGET ${c.model} ${c.n}: ${c.used} > ${c.maxTokens}`);
    if (c.n === 1_000 && c.firstMs > target) console.error(`SLOW ${c.model} ${c.n}: first trim ${c.firstMs.toFixed(0)} ms > ${target}`);
  }
}
