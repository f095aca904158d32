// The ledger's work when a run starts, on a long chat with a model's own chat template: counting
// the prompt (total, and the context before the newest user turn). Beside it, `countMessages` of
// the same history with every message's part, which renders the template once per prefix: what
// the run's start cost before it counted with two renders. Each history is new (no count cached).
import { AIMessage, HumanMessage, SystemMessage } from "@langchain/core/messages";
import { countMessages, loadEncoding } from "@tokenledger/core";
import { TokenLedgerHandler } from "@tokenledger/langchain";
import { chatHistory } from "./corpora.mjs";

const MODELS = [
  ["llama3_1", "meta-llama/Llama-3.1-8B-Instruct", "Llama 3.1"],
  ["gemma3", "google/gemma-3-27b-it", "Gemma 3"],
];
/** The most CPU ms a run's start may take on 1,000 messages. */
export const LEDGER_START_TARGET_MS = 200;

/** CPU ms of the ledger's start and of `countMessages` with parts, per model and length. */
export async function benchLedgerStart(corpora, timed) {
  const rows = [];
  for (const [family, model, label] of MODELS) {
    await loadEncoding(family);
    for (const [k, n] of [300, 1_000].entries()) {
      // Other lines than the trim bench's histories (offsets 0 and 1 there), so no prefix is cached.
      const offset = 2 * (k + 10);
      const history = chatHistory(corpora.english, corpora.chinese, n + 2 + offset)
        .slice(offset + 2)
        .map((m, i) =>
          i === 0 ? new SystemMessage(m.content) : m.role === "user" ? new HumanMessage(m.content) : new AIMessage(m.content),
        );
      const ledger = new TokenLedgerHandler();
      const llm = { lc: 1, type: "not_implemented", id: ["ChatOpenAI"] };
      const startMs = await timed(() =>
        ledger.handleChatModelStart(llm, [history], `bench-${family}-${n}`, undefined, { invocation_params: { model } }),
      );
      const role = (m) => ({ human: "user", ai: "assistant", system: "system" })[m.getType()];
      const chat = history.map((m) => ({ role: role(m), content: m.content }));
      const partsMs = await timed(() => countMessages(chat, { model }));
      rows.push({ label, n, startMs, partsMs });
    }
  }
  return rows;
}
