import { ChatAnthropic } from "@langchain/anthropic";
import { InMemoryChatMessageHistory } from "@langchain/core/chat_history";
import { HumanMessage, ToolMessage } from "@langchain/core/messages";
import { ChatPromptTemplate, MessagesPlaceholder } from "@langchain/core/prompts";
import { RunnableLambda } from "@langchain/core/runnables";
import { ChatOpenAI } from "@langchain/openai";
import { createHistoryTrimmer, TokenCalibration, TokenLedgerHandler, TrimmedChatMessageHistory } from "@tokenledger/langchain";
import { SYSTEM_PROMPT, TURNS, WEATHER_TOOL, weather } from "./script.mjs";

/** `claude-*` names go to Anthropic's Messages API (ChatAnthropic), every other name to an OpenAI-compatible one. */
export const providerOf = (model) => (/^(anthropic\/)?claude/i.test(model) ? "anthropic" : "openai");

function chatModel({ model, provider, baseURL, apiKey, maxOutput }) {
  if (provider === "anthropic") return new ChatAnthropic({ model, apiKey, maxTokens: maxOutput, maxRetries: 0, anthropicApiUrl: baseURL });
  return new ChatOpenAI({ model, apiKey, maxTokens: maxOutput, maxRetries: 0, configuration: baseURL ? { baseURL } : undefined });
}

/**
 * Plays the scripted conversation through prompt -> trimmer -> chat model with one
 * TokenLedgerHandler, and returns one row per turn plus the ledger. A TokenCalibration fed by
 * the ledger lets the trimmer fit models whose tokenizer tokenledger only estimates.
 */
export async function runChat({
  model,
  maxContext,
  maxOutput = 120,
  turns = TURNS.length,
  baseURL,
  apiKey,
  provider = providerOf(model),
  onTurn = () => {},
}) {
  const ledger = new TokenLedgerHandler();
  const calibration = new TokenCalibration();
  calibration.attach(ledger);
  const budget = maxContext - maxOutput;
  const store = new InMemoryChatMessageHistory();
  // The memory loads at most twice the window; the trimmer then fits each call exactly.
  const memory = new TrimmedChatMessageHistory(store, { model, maxTokens: maxContext * 2, calibration });
  const prompt = ChatPromptTemplate.fromMessages([["system", SYSTEM_PROMPT], new MessagesPlaceholder("history")]);
  let sent = 0;
  const chain = prompt
    .pipe(createHistoryTrimmer({ model, maxTokens: budget, tools: [WEATHER_TOOL], includeSystem: true, startOn: "human", calibration }))
    .pipe(
      RunnableLambda.from((messages) => {
        sent = messages.length;
        return messages;
      }),
    )
    .pipe(chatModel({ model, provider, baseURL, apiKey, maxOutput }).bindTools([WEATHER_TOOL]));

  const rows = [];
  for (let turn = 1; turn <= Math.min(turns, TURNS.length); turn++) {
    await memory.addMessage(new HumanMessage(TURNS[turn - 1]));
    const before = ledger.records().length;
    for (let step = 0; step < 3; step++) {
      const reply = await chain.invoke({ history: await memory.getMessages() }, { callbacks: [ledger] });
      await memory.addMessage(reply);
      if (!reply.tool_calls?.length) break;
      for (const call of reply.tool_calls) await memory.addMessage(new ToolMessage({ content: weather(call.args), tool_call_id: call.id }));
    }
    const calls = ledger.records().slice(before);
    const last = calls.at(-1);
    const row = {
      turn,
      calls: calls.length,
      sent,
      stored: (await store.getMessages()).length,
      contextTokens: last.contextTokens,
      inputTokens: calls.reduce((s, r) => s + r.inputTokens, 0),
      outputTokens: calls.reduce((s, r) => s + r.outputTokens, 0),
      source: last.source,
      estimated: last.estimatedInputTokens,
      reported: last.reported?.inputTokens,
      windowUse: last.inputTokens / maxContext,
      lastInputTokens: last.inputTokens,
    };
    row.totalTokens = row.inputTokens + row.outputTokens;
    rows.push(row);
    onTurn(row);
  }
  return { ledger, rows, budget, calibration };
}
