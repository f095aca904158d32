import { InMemoryChatMessageHistory } from "@langchain/core/chat_history";
import { HumanMessage } from "@langchain/core/messages";
import { ChatPromptTemplate, MessagesPlaceholder } from "@langchain/core/prompts";
import { ChatOpenAI } from "@langchain/openai";
import { createHistoryTrimmer, SUMMARY_RUN_NAME, SummaryBufferChatMessageHistory, TokenLedgerHandler } from "@tokenledger/langchain";
import { SYSTEM_PROMPT, TURNS } from "./script.mjs";

/**
 * Plays the scripted conversation once, with summary buffer memory (`mode: "summary"`) or with
 * trimming only (`mode: "trim"`), inside the same prompt budget, and returns one row per turn.
 */
export async function runChat({ mode, model, maxContext, maxOutput = 120, turns = TURNS.length, baseURL, apiKey, onTurn = () => {} }) {
  const ledger = new TokenLedgerHandler();
  const budget = maxContext - maxOutput;
  const chat = (maxTokens) => new ChatOpenAI({ model, apiKey, maxTokens, maxRetries: 0, configuration: baseURL ? { baseURL } : undefined });
  const store = new InMemoryChatMessageHistory();
  const memory =
    mode === "summary"
      ? new SummaryBufferChatMessageHistory(store, {
          summarizer: chat(150),
          model,
          maxTokens: budget,
          // Fold in batches: when the window is full, fold until the newest turns take half of it.
          keepTokens: Math.floor(budget / 2),
          systemPrompt: SYSTEM_PROMPT,
          callbacks: [ledger],
        })
      : undefined;
  const prompt = ChatPromptTemplate.fromMessages([["system", SYSTEM_PROMPT], new MessagesPlaceholder("history")]);
  const trimmer = createHistoryTrimmer({ model, maxTokens: budget, includeSystem: true, startOn: "human" });
  const chain = (mode === "summary" ? prompt : prompt.pipe(trimmer)).pipe(chat(maxOutput));

  const rows = [];
  for (let turn = 1; turn <= Math.min(turns, TURNS.length); turn++) {
    await store.addMessage(new HumanMessage(TURNS[turn - 1]));
    const before = ledger.records().length;
    const history = memory ? await memory.getMessages() : await store.getMessages();
    const reply = await chain.invoke({ history }, { callbacks: [ledger] });
    await store.addMessage(reply);
    const records = ledger.records().slice(before);
    const summaries = records.filter((r) => r.runName === SUMMARY_RUN_NAME);
    const answer = records.find((r) => r.runName !== SUMMARY_RUN_NAME);
    const row = {
      turn,
      stored: (await store.getMessages()).length,
      inputTokens: answer.inputTokens,
      outputTokens: answer.outputTokens,
      costUsd: answer.costUsd,
      windowUse: (answer.inputTokens + maxOutput) / maxContext,
      folded: memory?.lastResult.foldedNow ?? 0,
      summarizedCount: memory?.lastResult.summarizedCount ?? 0,
      degraded: memory?.lastResult.degraded ?? false,
      summaryCalls: summaries.length,
      summaryTokens: summaries.reduce((sum, r) => sum + r.totalTokens, 0),
      summaryCostUsd: summaries.reduce((sum, r) => sum + (r.costUsd ?? 0), 0),
      answer: typeof reply.content === "string" ? reply.content : JSON.stringify(reply.content),
    };
    rows.push(row);
    onTurn(row);
  }
  return { ledger, rows, budget, summary: memory?.summary };
}
