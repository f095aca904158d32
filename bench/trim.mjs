// trimHistory side by side with @langchain/core's trimMessages (js-tiktoken counter, as its docs show),
// on the same LangChain messages and the same budget: half the history's tokens, at most gpt-4o's
// prompt budget (128,000 window less 16,384 output). Warm: the encoder is loaded before timing.
// Then models with their own chat template (Llama 3.1, Gemma 3): the first trim of a long history
// (nothing of it counted before) and the trim after one more message, trimHistory alone.
import { AIMessage, HumanMessage, SystemMessage, trimMessages } from "@langchain/core/messages";
import { countMessages, loadEncoding } from "@tokenledger/core";
import { trimHistory } from "@tokenledger/langchain";
import { getEncoding } from "js-tiktoken";
import { chatHistory } from "./corpora.mjs";

const toLangChain = (m) =>
  m.role === "system" ? new SystemMessage(m.content) : m.role === "user" ? new HumanMessage(m.content) : new AIMessage(m.content);

export async function benchTrim(corpora, timed) {
  const encoder = getEncoding("o200k_base");
  const jsTiktokenCounter = (messages) => messages.reduce((sum, m) => sum + 3 + encoder.encode(String(m.content)).length, 3);
  trimHistory(chatHistory(corpora.english, corpora.chinese, 2_000).map(toLangChain), { maxTokens: 10_000 });
  const rows = [
    ["messages", "budget", "trimHistory, first trim ms", "trimHistory, again +1 message ms", "trimMessages (js-tiktoken) ms", "speed-up"],
  ];
  const checks = [];
  for (const n of [1_000, 100_000]) {
    const history = chatHistory(corpora.english, corpora.chinese, n).map(toLangChain);
    const maxTokens = Math.min(111_616, Math.floor(jsTiktokenCounter(history) / 2));
    let kept;
    const firstMs = await timed(() => (kept = trimHistory(history, { maxTokens, includeSystem: true })));
    history.push(new HumanMessage("And one more question?"));
    const againMs = await timed(() => trimHistory(history, { maxTokens, includeSystem: true }));
    history.pop();
    let theirsMs = Number.NaN;
    if (n <= 1_000) {
      let theirs;
      theirsMs = await timed(
        async () => (theirs = await trimMessages(history, { maxTokens, tokenCounter: jsTiktokenCounter, includeSystem: true })),
      );
      checks.push({ n, ours: kept.length, theirs: theirs.length });
    }
    rows.push([
      n.toLocaleString("en"),
      maxTokens.toLocaleString("en"),
      firstMs.toFixed(1),
      againMs.toFixed(1),
      Number.isNaN(theirsMs) ? "not run (quadratic)" : theirsMs.toFixed(0),
      Number.isNaN(theirsMs) ? "" : `${(theirsMs / firstMs).toFixed(0)}x`,
    ]);
    checks.push({ n, firstMs, theirsMs });
  }
  const templated = await benchTrimTemplated(corpora, timed, 1 / 2);
  for (const c of templated) {
    rows.push([
      `${c.n.toLocaleString("en")} (${c.label})`,
      c.maxTokens.toLocaleString("en"),
      c.firstMs.toFixed(1),
      c.againMs.toFixed(1),
      "not run",
      "",
    ]);
    if (c.used > c.maxTokens) console.error(`OVER BUDGET ${c.label} ${c.n}: ${c.used} > ${c.maxTokens}`);
  }
  return { rows, checks };
}

const TEMPLATED = [
  ["llama3_1", "meta-llama/Llama-3.1-8B-Instruct", "Llama 3.1"],
  ["gemma3", "google/gemma-3-27b-it", "Gemma 3"],
];

/**
 * Templated trims: each history new (other lines than any before it, so no count is cached), a
 * system prompt then alternating turns; the budget `share` of its tokens (contents + 5 a message:
 * counting it through the template first would leave its prefixes cached). The kept history after
 * the +1 message is counted by the model's own template (`used`), to be within the budget.
 */
export async function benchTrimTemplated(corpora, timed, share) {
  const results = [];
  for (const [family, model, label] of TEMPLATED) {
    const encoder = await loadEncoding(family);
    for (const [k, n] of [300, 1_000].entries()) {
      const history = chatHistory(corpora.english, corpora.chinese, n + 2 + 2 * k)
        .slice(2 * k + 2)
        .map((m, i) =>
          i === 0 ? new SystemMessage(m.content) : m.role === "user" ? new HumanMessage(m.content) : new AIMessage(m.content),
        );
      const maxTokens = Math.floor(history.reduce((sum, m) => sum + encoder.count(m.content) + 5, 0) * share);
      let kept;
      const firstMs = await timed(() => (kept = trimHistory(history, { maxTokens, model, includeSystem: true })));
      history.push(new HumanMessage(`And one more question about message ${n}?`));
      let again;
      const againMs = await timed(() => (again = trimHistory(history, { maxTokens, model, includeSystem: true })));
      const role = (m) => ({ human: "user", ai: "assistant", system: "system" })[m.getType()];
      const used = countMessages(
        again.map((m) => ({ role: role(m), content: m.content })),
        { model },
      ).total;
      results.push({ label, n: history.length - 1, maxTokens, kept: kept.length, firstMs, againMs, used });
    }
  }
  return results;
}

// Alone: `node trim.mjs [share]` prints the templated trims in CPU ms (budget `share` of the history, default 1/2).
if (import.meta.url === `file://${process.argv[1]}`) {
  const { loadCorpora } = await import("./corpora.mjs");
  const { cpuMs } = await import("./cpu-time.mjs");
  const timed = async (fn) => {
    const start = cpuMs();
    await fn();
    return cpuMs() - start;
  };
  console.log("| model | messages | budget | kept | first trim ms | again +1 message ms | used (own template) |");
  for (const c of await benchTrimTemplated(loadCorpora(), timed, Number(process.argv[2] ?? 0.5)))
    console.log(`| ${c.label} | ${c.n} | ${c.maxTokens} | ${c.kept} | ${c.firstMs.toFixed(1)} | ${c.againMs.toFixed(1)} | ${c.used} |`);
}
