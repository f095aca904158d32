import { type Attributes, type MeterProvider, metrics } from "@opentelemetry/api";
import type { TokenLedgerHandler } from "@tokenledger/langchain";
import { metricAttributes, modelNames } from "./record-attributes.js";
import {
  ATTR_GEN_AI_TOKEN_TYPE,
  ATTR_TOKENLEDGER_USAGE_SOURCE,
  GEN_AI_TOKEN_TYPE_VALUE_INPUT,
  GEN_AI_TOKEN_TYPE_VALUE_OUTPUT,
  METRIC_GEN_AI_CLIENT_OPERATION_DURATION,
  METRIC_GEN_AI_CLIENT_OPERATION_DURATION_DESCRIPTION,
  METRIC_GEN_AI_CLIENT_OPERATION_DURATION_UNIT,
  METRIC_GEN_AI_CLIENT_TOKEN_USAGE,
  METRIC_GEN_AI_CLIENT_TOKEN_USAGE_DESCRIPTION,
  METRIC_GEN_AI_CLIENT_TOKEN_USAGE_UNIT,
} from "./semconv.js";
import { PACKAGE_NAME, PACKAGE_VERSION } from "./version.js";

export interface InstrumentOptions {
  /** Default: the global meter provider (`metrics.getMeterProvider()`). */
  meterProvider?: MeterProvider;
  /**
   * Also record token counts the provider did not report (tokenledger's local counts and
   * LangChain's own estimates), marked with `tokenledger.usage.source`. Default false, as the
   * GenAI conventions ask.
   */
  includeLocalEstimates?: boolean;
  /** Added to every data point, e.g. `{ "service.instance.id": hostname() }`. */
  attributes?: Attributes;
  /**
   * Most distinct model names outside tokenledger's catalog given their own attribute value, for
   * `gen_ai.request.model` and `gen_ai.response.model` each; later ones are recorded as `(other)`.
   * A model counts as known only by its exact catalog name after normalisation (`gpt-4o-tenant-7`
   * is not `gpt-4o`). Catalog models always keep their own value, so a flood of junk names cannot
   * push a real model into the SDK's overflow series. Default 100.
   */
  maxUnknownModels?: number;
}

/**
 * The GenAI semantic conventions' advised buckets: powers of 4 from 1 to 4^13 tokens.
 *
 * @example
 * ```ts
 * new View({ instrumentName: "gen_ai.client.token.usage", aggregation: { type: AggregationType.EXPLICIT_BUCKET_HISTOGRAM, options: { boundaries: TOKEN_BUCKETS } } });
 * ```
 */
export const TOKEN_BUCKETS = Array.from({ length: 14 }, (_, i) => 4 ** i);
/**
 * The conventions' advised buckets for gen_ai.client.operation.duration, in seconds.
 *
 * @example
 * ```ts
 * DURATION_BUCKETS.at(-1); // 81.92
 * ```
 */
export const DURATION_BUCKETS = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];

const instrumented = new WeakMap<TokenLedgerHandler, () => void>();

/**
 * Turns a ledger's records into the OpenTelemetry GenAI client metrics:
 * `gen_ai.client.token.usage` (one point per call and token type) and
 * `gen_ai.client.operation.duration`. Returns a function that stops it. Instrumenting the
 * same ledger again returns the first stop function, so no run is counted twice.
 *
 * @example
 * ```ts
 * const ledger = new TokenLedgerHandler();
 * const stop = instrumentLedger(ledger, { meterProvider });
 * await model.invoke("Hi", { callbacks: [ledger] });
 * stop();
 * ```
 */
export function instrumentLedger(ledger: TokenLedgerHandler, options: InstrumentOptions = {}): () => void {
  const existing = instrumented.get(ledger);
  if (existing) return existing;
  const meter = (options.meterProvider ?? metrics.getMeterProvider()).getMeter(PACKAGE_NAME, PACKAGE_VERSION);
  const tokens = meter.createHistogram(METRIC_GEN_AI_CLIENT_TOKEN_USAGE, {
    unit: METRIC_GEN_AI_CLIENT_TOKEN_USAGE_UNIT,
    description: METRIC_GEN_AI_CLIENT_TOKEN_USAGE_DESCRIPTION,
    advice: { explicitBucketBoundaries: TOKEN_BUCKETS },
  });
  const duration = meter.createHistogram(METRIC_GEN_AI_CLIENT_OPERATION_DURATION, {
    unit: METRIC_GEN_AI_CLIENT_OPERATION_DURATION_UNIT,
    description: METRIC_GEN_AI_CLIENT_OPERATION_DURATION_DESCRIPTION,
    advice: { explicitBucketBoundaries: DURATION_BUCKETS },
  });
  const names = modelNames(options.maxUnknownModels ?? 100);
  const unsubscribe = ledger.onRecord((record) => {
    if (record.cached) return;
    const attributes = { ...options.attributes, ...metricAttributes(record, names) };
    const late = record.flags.includes("late");
    // One duration point per call: a late record corrects a run already recorded when it was closed early.
    if (!late) duration.record(record.durationMs / 1000, attributes);
    // A run closed early (abandoned) has no final numbers yet: its tokens are recorded once, by its late record if one comes.
    if (record.flags.includes("abandoned")) return;
    const reported = record.source === "provider";
    if (!reported && !options.includeLocalEstimates) return;
    const marked = { ...attributes, [ATTR_TOKENLEDGER_USAGE_SOURCE]: record.source };
    if (!reported && record.status === "error" && record.inputTokens === 0 && record.outputTokens === 0) return;
    tokens.record(record.inputTokens, { ...marked, [ATTR_GEN_AI_TOKEN_TYPE]: GEN_AI_TOKEN_TYPE_VALUE_INPUT });
    tokens.record(record.outputTokens, { ...marked, [ATTR_GEN_AI_TOKEN_TYPE]: GEN_AI_TOKEN_TYPE_VALUE_OUTPUT });
  });
  const stop = () => {
    unsubscribe();
    instrumented.delete(ledger);
  };
  instrumented.set(ledger, stop);
  return stop;
}
