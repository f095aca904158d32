import { type Attributes, type MeterProvider, metrics } from "@opentelemetry/api";
import type { LlmRunRecord, TokenLedgerHandler } from "@tokenledger/langchain";
import {
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_GEN_AI_TOKEN_TYPE,
  ATTR_TOKENLEDGER_USAGE_SOURCE,
  ERROR_TYPE_VALUE_ABANDONED,
  ERROR_TYPE_VALUE_ABORTED,
  GEN_AI_OPERATION_NAME_VALUE_CHAT,
  GEN_AI_TOKEN_TYPE_VALUE_INPUT,
  GEN_AI_TOKEN_TYPE_VALUE_OUTPUT,
  METRIC_GEN_AI_CLIENT_OPERATION_DURATION,
  METRIC_GEN_AI_CLIENT_OPERATION_DURATION_DESCRIPTION,
  METRIC_GEN_AI_CLIENT_OPERATION_DURATION_UNIT,
  METRIC_GEN_AI_CLIENT_TOKEN_USAGE,
  METRIC_GEN_AI_CLIENT_TOKEN_USAGE_DESCRIPTION,
  METRIC_GEN_AI_CLIENT_TOKEN_USAGE_UNIT,
  OTHER_MODEL,
  VALUE_OTHER,
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
   * Most distinct model names tokenledger does not know (request or response) given their own
   * attribute value; later ones are recorded as `(other)`. Models it knows always keep their own,
   * so a flood of junk names cannot push a real model into the SDK's overflow series. Default 100.
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
  const modelName = modelNameCap(options.maxUnknownModels ?? 100);
  const unsubscribe = ledger.onRecord((record) => {
    if (record.cached) return;
    const attributes = { ...options.attributes, ...recordAttributes(record, modelName) };
    duration.record(record.durationMs / 1000, attributes);
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

/** Bounds the distinct model names of unknown models; known ones (a finite catalog) pass as they are. */
function modelNameCap(max: number): (name: string, known: boolean) => string {
  const seen = new Set<string>();
  return (name, known) => {
    if (known || seen.has(name)) return name;
    if (seen.size >= max) return OTHER_MODEL;
    seen.add(name);
    return name;
  };
}

function recordAttributes(record: LlmRunRecord, modelName: (name: string, known: boolean) => string): Attributes {
  const known = !record.flags.includes("unknown-model");
  return {
    [ATTR_GEN_AI_OPERATION_NAME]: GEN_AI_OPERATION_NAME_VALUE_CHAT,
    [ATTR_GEN_AI_PROVIDER_NAME]: record.provider ?? VALUE_OTHER,
    [ATTR_GEN_AI_REQUEST_MODEL]: modelName(record.model, known),
    ...(record.responseModel ? { [ATTR_GEN_AI_RESPONSE_MODEL]: modelName(record.responseModel, known) } : {}),
    ...(record.status === "error" ? { [ATTR_ERROR_TYPE]: errorType(record) } : {}),
  };
}

/** Low-cardinality, as the conventions ask: never the error message itself. */
function errorType(record: LlmRunRecord): string {
  if (record.flags.includes("aborted")) return ERROR_TYPE_VALUE_ABORTED;
  if (record.flags.includes("abandoned")) return ERROR_TYPE_VALUE_ABANDONED;
  return /^\d{3}\b/.exec(record.error ?? "")?.[0] ?? VALUE_OTHER;
}
