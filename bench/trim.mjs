// trimHistory side by side with @langchain/core's trimMessages (js-tiktoken counter, as its docs show),
// on the same LangChain messages and the same budget: half the history's tokens, at most gpt-4o's
// prompt budget (128,000 window less 16,384 output). Warm: the encoder is loaded before timing.
import { AIMessage, HumanMessage, SystemMessage, trimMessages } from "@langchain/core/messages";
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
  return { rows, checks };
}
