// The refusal-and-retry path, measured: 100 turns (English, then Chinese, then code) through
// createHistoryTrimmer given its chat model, against local servers that refuse prompts over the
// window as each provider does. The Anthropic server counts with Llama 3's tokenizer, which the
// client cannot know; the calibration learns from the ledger's calls and from each refusal.
// Prints, per server: retries per 100 turns, failed turns, and the prompt's fill of the input
// budget per phase (provider-reported input / (window - max output)), after each phase's first 10 turns.
//
//   node examples/trim-history/refusal-retry.mjs
import { ChatAnthropic } from "@langchain/anthropic";
import { HumanMessage, SystemMessage } from "@langchain/core/messages";
import { ChatOpenAI } from "@langchain/openai";
import { createHistoryTrimmer, TokenCalibration, TokenLedgerHandler } from "@tokenledger/langchain";
import { startAnthropicServer, startOpenAIServer } from "@tokenledger/openai-server";

const WINDOW = 1500;
const MAX_OUTPUT = 100;
const TURNS = 100;
const SETTLE = 10;
const SYSTEM = "You are a concise travel assistant. Answer in the user's language.";
const PHASES = [
  ["English", (i) => `Turn ${i}: what should I see in the old town, and how long does it take on foot from the station?`],
  ["Chinese", (i) => `第${i}轮：请推荐三家当地的餐厅，并说明每家的特色菜、营业时间和大概价格。`],
  ["code", (i) => `Turn ${i}: fix this: const stops = ["Paris", "Berlin"].map((s, k) => ({ s, day: k + ${i} })).filter(Boolean);`],
];
const phaseOf = (i) => Math.min(PHASES.length - 1, Math.floor((i * PHASES.length) / TURNS));

function reply(request) {
  const last = request.messages.at(-1);
  const text = typeof last.content === "string" ? last.content : (last.content ?? []).map((p) => p.text ?? "").join("");
  return /[\u4e00-\u9fff]/.test(text)
    ? { content: `关于"${text.slice(0, 12)}"：建议提前在网上订票，避开周末高峰，早上九点前到达，并留出足够时间慢慢参观和休息。` }
    : {
        content: `About "${text.slice(0, 30)}": book ahead online, avoid weekend peaks, arrive before nine, and leave time for slow walks.`,
      };
}

/**
 * "ledger": the calibration is fed by every call (the recommended setup); "refusals": it starts
 * with no margin and learns only from refusals, so that the retry path carries the chat.
 */
async function run(name, server, model, modelName, learning) {
  const ledger = new TokenLedgerHandler();
  const calibration = learning === "ledger" ? new TokenCalibration() : new TokenCalibration({ priorFactor: 1 });
  if (learning === "ledger") calibration.attach(ledger);
  const chat = createHistoryTrimmer({ model: modelName, maxTokens: WINDOW - MAX_OUTPUT, includeSystem: true, calibration }, model);
  let history = [];
  let failed = 0;
  const fills = PHASES.map(() => []);
  const start = server.requests.length;
  for (let i = 0; i < TURNS; i++) {
    const input = new HumanMessage(PHASES[phaseOf(i)][1](i));
    try {
      const answer = await chat.invoke([new SystemMessage(SYSTEM), ...history, input], { callbacks: [ledger] });
      history = [...history, input, answer];
      const phaseStart = Math.ceil((phaseOf(i) * TURNS) / PHASES.length);
      const record = ledger.records().at(-1);
      if (i - phaseStart >= SETTLE) fills[phaseOf(i)].push(record.inputTokens / (WINDOW - MAX_OUTPUT));
    } catch (error) {
      failed++;
      console.error(`${name} turn ${i}: ${error.message}`);
    }
  }
  const calls = server.requests.length - start;
  const mean = (xs) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : Number.NaN);
  const pct = (x) => `${(x * 100).toFixed(1)}%`;
  const fill = PHASES.map(([label], k) => `${label} ${pct(mean(fills[k]))} (min ${pct(Math.min(...fills[k]))})`).join(", ");
  console.log(`| ${name} | ${learning} | ${TURNS} | ${calls - TURNS + failed} | ${failed} | ${fill} |`);
}

console.log(
  `window ${WINDOW}, max output ${MAX_OUTPUT}, ${TURNS} turns (English, Chinese, code); ${new Date().toISOString()}, Node ${process.version}`,
);
console.log(
  "| server (refusal wording) | calibration learns from | turns | retries | failed turns | fill of the input budget per phase, settled (mean, min) |",
);
console.log("| --- | --- | --- | --- | --- | --- |");
for (const refusal of ["context-limit", "prompt-too-long"]) {
  const server = await startAnthropicServer({ reply, contextWindow: WINDOW, refusal });
  const model = new ChatAnthropic({
    model: "claude-sonnet-4-5",
    apiKey: "test",
    anthropicApiUrl: server.baseURL,
    maxRetries: 0,
    maxTokens: MAX_OUTPUT,
  });
  for (const learning of ["ledger", "refusals"])
    await run(`Anthropic, Llama 3 tokenizer (${refusal})`, server, model, "claude-sonnet-4-5", learning);
  await server.close();
}
for (const refusal of ["openai", "vllm", "tgi", "llama.cpp", "ollama", "google"]) {
  // The server counts gpt-4o-mini's prompts with Llama 3.1's template and tokenizer; the client counts them as OpenAI does.
  const server = await startOpenAIServer({ reply, contextWindow: WINDOW, refusal, counting: "llama3" });
  const model = new ChatOpenAI({
    model: "gpt-4o-mini",
    apiKey: "test",
    maxRetries: 0,
    maxTokens: MAX_OUTPUT,
    configuration: { baseURL: server.baseURL },
  });
  for (const learning of ["ledger", "refusals"])
    await run(`OpenAI-compatible, Llama 3.1 tokenizer (${refusal})`, server, model, "gpt-4o-mini", learning);
  await server.close();
}
