#!/usr/bin/env node
// tokenledger + OpenTelemetry: one service instance's token usage on a Prometheus scrape
// endpoint (127.0.0.1:9464/metrics). Runs a few chat calls against the embedded
// OpenAI-compatible server, prints what a scrape returns, and with --serve keeps serving.
import { hostname } from "node:os";
import { parseArgs } from "node:util";
import { HumanMessage } from "@langchain/core/messages";
import { ChatOpenAI } from "@langchain/openai";
import { PrometheusExporter } from "@opentelemetry/exporter-prometheus";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { MeterProvider } from "@opentelemetry/sdk-metrics";
import { TokenLedgerHandler } from "@tokenledger/langchain";
import { startOpenAIServer } from "@tokenledger/openai-server";
import { instrumentLedger } from "@tokenledger/otel";

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "9464" },
    instance: { type: "string", default: hostname() },
    serve: { type: "boolean", default: false },
  },
});
const port = Number(values.port);
const exporter = new PrometheusExporter({ host: "127.0.0.1", port });
const meterProvider = new MeterProvider({ readers: [exporter], resource: resourceFromAttributes({ "service.name": "chat-api" }) });
const ledger = new TokenLedgerHandler();
instrumentLedger(ledger, { meterProvider, attributes: { "service.instance.id": values.instance } });

const server = await startOpenAIServer();
// Never `streaming: true`: ChatOpenAI would then download a tokenizer from the network for its own estimate.
const models = ["gpt-4o-mini", "gpt-4o"].map(
  (model) => new ChatOpenAI({ model, apiKey: "embedded", maxRetries: 0, streaming: false, configuration: { baseURL: server.baseURL } }),
);
for (let i = 0; i < 10; i++) {
  await models[i % 2].invoke([new HumanMessage(`Question ${i}: how many tokens is 上下文窗口?`)], { callbacks: [ledger] });
}
await server.close();

const scrape = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
console.log(
  scrape
    .split("\n")
    .filter((line) => line.startsWith("gen_ai_client_token_usage_sum") || line.startsWith("gen_ai_client_token_usage_count"))
    .join("\n"),
);
console.log(`\nledger totals: ${JSON.stringify(ledger.totals())}`);
if (values.serve) console.log(`serving http://127.0.0.1:${port}/metrics (Ctrl-C to stop)`);
else await meterProvider.shutdown();
