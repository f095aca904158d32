#!/usr/bin/env node
// tokenledger example: summary buffer memory. A 40-turn chat (English and Chinese) in a small window
// remembers what was said at turn 1 through a running summary, next to the same chat with trimming only.
// No configuration: an embedded OpenAI-compatible server on 127.0.0.1. OPENAI_API_KEY: OpenAI
// (OPENAI_BASE_URL as well: any OpenAI-compatible server). Flags: --model, --max-context, --turns, --json.
import { startOpenAIServer } from "@tokenledger/openai-server";
import { parseChatFlags } from "../chat-flags.mjs";
import { runChat } from "./run-chat.mjs";
import { QUESTION_TURN, scriptedReply, TURNS } from "./script.mjs";

const values = parseChatFlags({ maxContext: 600, minContext: 400, turns: TURNS.length, maxTurns: TURNS.length });
const { maxContext, turns } = values;

const useColour = process.stdout.isTTY && !process.env.NO_COLOR;
const bold = (text) => (useColour ? `\x1b[1m${text}\x1b[0m` : text);
const money = (usd) => (usd === undefined ? "-" : `$${usd.toFixed(6)}`);
const sum = (rows, key) => rows.reduce((total, r) => total + (r[key] ?? 0), 0);

const apiKey = process.env.OPENAI_API_KEY || undefined;
const server = apiKey ? undefined : await startOpenAIServer({ contextWindow: maxContext, reply: scriptedReply });
const baseURL = server?.baseURL ?? process.env.OPENAI_BASE_URL;
const log = values.json ? () => {} : (line) => console.log(line);
const options = { model: values.model, maxContext, turns, baseURL, apiKey: apiKey ?? "embedded" };

try {
  log(
    `model ${values.model} via ${server ? `embedded server (window ${maxContext})` : (baseURL ?? "OpenAI")}; prompt budget ${maxContext - 120} tokens`,
  );
  const trim = await runChat({ ...options, mode: "trim" });
  const summary = await runChat({ ...options, mode: "summary" });
  if (values.json) {
    const strip = ({ ledger, ...run }) => ({ ...run, totals: ledger.totals() });
    process.stdout.write(`${JSON.stringify({ trim: strip(trim), summary: strip(summary) }, null, 2)}\n`);
  } else {
    const columns = [
      "turn",
      "stored",
      "input",
      "output",
      "window",
      "folded",
      "sum.calls",
      "sum.tokens",
      "sum.cost",
      "| trim input",
      "trim window",
    ];
    log("");
    log(bold(columns.map((c) => c.padStart(10)).join(" ")));
    for (const [i, r] of summary.rows.entries()) {
      const t = trim.rows[i];
      const cells = [
        r.turn,
        r.stored,
        r.inputTokens,
        r.outputTokens,
        `${Math.round(r.windowUse * 100)}%`,
        r.folded ? `+${r.folded} msgs` : r.degraded ? "failed" : "",
        r.summaryCalls || "",
        r.summaryTokens || "",
        r.summaryCalls ? money(r.summaryCostUsd) : "",
        `| ${t.inputTokens}`,
        `${Math.round(t.windowUse * 100)}%`,
      ];
      log(cells.map((c) => String(c).padStart(10)).join(" "));
    }
    const summarized = summary.rows.filter((r) => r.folded > 0).map((r) => r.turn);
    log("");
    log(bold("Summary memory"));
    log(`  summarized at turns ${summarized.join(", ") || "none"}; ${summary.rows.at(-1).summarizedCount} messages folded`);
    log(
      `  answers: ${sum(summary.rows, "inputTokens")} input + ${sum(summary.rows, "outputTokens")} output tokens, ${money(sum(summary.rows, "costUsd"))}`,
    );
    log(
      `  summaries: ${sum(summary.rows, "summaryCalls")} calls, ${sum(summary.rows, "summaryTokens")} tokens, ${money(sum(summary.rows, "summaryCostUsd"))}`,
    );
    log(`  summary now: ${summary.summary || "(none)"}`);
    log(bold("Trimming only"));
    log(
      `  answers: ${sum(trim.rows, "inputTokens")} input + ${sum(trim.rows, "outputTokens")} output tokens, ${money(sum(trim.rows, "costUsd"))}`,
    );
    if (turns === TURNS.length) {
      log("");
      log(bold(`Turn ${turns}: ${QUESTION_TURN}`));
      log(`  with summary memory: ${summary.rows.at(-1).answer}`);
      log(`  trimming only:       ${trim.rows.at(-1).answer}`);
    }
  }
} catch (error) {
  const where = server ? "the embedded server" : (baseURL ?? "OpenAI");
  console.error(`error: ${where} answered: ${error?.message ?? error} (check OPENAI_API_KEY, OPENAI_BASE_URL and --model)`);
  process.exitCode = 1;
} finally {
  await server?.close();
}
