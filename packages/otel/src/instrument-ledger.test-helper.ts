import type { HistogramMetricData, ResourceMetrics } from "@opentelemetry/sdk-metrics";
import { AggregationTemporality, MeterProvider, MetricReader } from "@opentelemetry/sdk-metrics";
import { TokenLedgerHandler } from "@tokenledger/langchain";
import { instrumentLedger } from "./instrument-ledger.js";

/** A manual reader: the test decides when to collect. */
class ManualReader extends MetricReader {
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}

/** A ledger instrumented (by `instrument`: the source's, or a built entry's) into a meter provider with a manual, cumulative reader. */
export function setup(
  options: Parameters<typeof instrumentLedger>[1] = {},
  instrument = instrumentLedger,
  ledgerOptions: ConstructorParameters<typeof TokenLedgerHandler>[0] = {},
) {
  const reader = new ManualReader({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE });
  const meterProvider = new MeterProvider({ readers: [reader] });
  const ledger = new TokenLedgerHandler(ledgerOptions);
  const stop = instrument(ledger, { meterProvider, ...options });
  const collect = async () => (await reader.collect()).resourceMetrics as ResourceMetrics;
  return { ledger, stop, collect, meterProvider };
}

export const histogram = (metrics: ResourceMetrics, name: string) =>
  metrics.scopeMetrics.flatMap((s) => s.metrics).find((m) => m.descriptor.name === name) as HistogramMetricData | undefined;

/** Ends one gpt-4o run on the ledger, with the provider's usage (5 in, 1 out), without a model or a server. */
export function recordOneRun(ledger: TokenLedgerHandler): void {
  ledger.handleChatModelStart({ lc: 1, type: "not_implemented", id: ["X"] }, [[]], "run-1", undefined, {
    invocation_params: { model: "gpt-4o" },
  });
  ledger.handleLLMEnd({ generations: [[{ text: "" }]], llmOutput: { tokenUsage: { promptTokens: 5, completionTokens: 1 } } }, "run-1");
}
