#!/usr/bin/env node
// tokenledger example: a chat that trims itself to a small context window and shows per-run usage.
// No configuration: an embedded OpenAI-compatible server on 127.0.0.1. OPENAI_API_KEY: OpenAI
// (OPENAI_BASE_URL as well: any OpenAI-compatible server). Flags: --model, --max-context, --turns, --json.
// `pnpm demo -- --json` passes a leading "--" through: it is dropped here.
import { parseArgs } from "node:util";
import { resolveModel } from "@tokenledger/core";
import { startOpenAIServer } from "@tokenledger/openai-server";
import { chart, dim, header, legend, row, totalsBlock } from "./report.mjs";
import { runChat } from "./run-chat.mjs";
import { scriptedReply, TURNS } from "./script.mjs";

const MAX_TURNS = 200;
const args = process.argv.slice(2);
const { values } = parseArgs({
  args: args[0] === "--" ? args.slice(1) : args,
  options: {
    model: { type: "string", default: "gpt-4o-mini" },
    "max-context": { type: "string", default: "700" },
    turns: { type: "string", default: String(TURNS.length) },
    json: { type: "boolean", default: false },
  },
});
const maxContext = Number(values["max-context"]);
const turns = Number(values.turns);
if (!Number.isInteger(maxContext) || maxContext < 300 || !Number.isInteger(turns) || turns < 1 || turns > MAX_TURNS) {
  console.error(
    `usage: main.mjs [--model M] [--max-context N>=300] [--turns 1..${MAX_TURNS}] [--json] (the script has ${TURNS.length} turns; more repeat it)`,
  );
  process.exit(2);
}

const apiKey = process.env.OPENAI_API_KEY || undefined;
const server = apiKey ? undefined : await startOpenAIServer({ contextWindow: maxContext, reply: scriptedReply });
const baseURL = server?.baseURL ?? process.env.OPENAI_BASE_URL;
const log = values.json ? () => {} : (line) => console.log(line);
const info = resolveModel(values.model);
if (!info.known)
  console.error(
    `warning: tokenledger does not know model "${values.model}"; counting with ${info.encoding} (estimates may differ from the provider)`,
  );

log(
  dim(
    `model ${values.model} via ${server ? `embedded server ${server.baseURL} (window ${maxContext})` : (baseURL ?? "OpenAI")}; prompt budget ${maxContext - 120} tokens`,
  ),
);
log(legend());
log(header());
try {
  const { ledger, rows, budget } = await runChat({
    model: values.model,
    maxContext,
    turns,
    baseURL,
    apiKey: apiKey ?? "embedded",
    onTurn: (r) => log(row(r)),
  });
  if (values.json) {
    process.stdout.write(
      `${JSON.stringify({ records: ledger.records(), totals: ledger.totals(), totalsByModel: ledger.totalsByModel() }, null, 2)}\n`,
    );
  } else {
    log("");
    log(totalsBlock(ledger));
    log("");
    log(chart(rows, budget));
  }
} catch (error) {
  const where = server ? "the embedded server" : (baseURL ?? "OpenAI");
  console.error(`error: ${where} answered: ${error?.message ?? error} (check OPENAI_API_KEY, OPENAI_BASE_URL and --model)`);
  process.exitCode = 1;
} finally {
  await server?.close();
}
