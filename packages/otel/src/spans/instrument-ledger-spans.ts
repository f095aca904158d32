import { type Attributes, context, SpanKind, SpanStatusCode, type TracerProvider, trace } from "@opentelemetry/api";
import type { LlmRunRecord, TokenLedgerHandler } from "@tokenledger/langchain";
import { modelNames } from "../record-attributes.js";
import { ATTR_GEN_AI_OPERATION_NAME, ATTR_GEN_AI_REQUEST_MODEL } from "../semconv.js";
import { PACKAGE_NAME, PACKAGE_VERSION } from "../version.js";
import { runSpanContext } from "./run-span-context.js";
import { spanAttributes } from "./span-attributes.js";

export interface SpanOptions {
  /** Default: the global tracer provider (`trace.getTracerProvider()`). */
  tracerProvider?: TracerProvider;
  /** Added to every span, e.g. `{ "deployment.environment.name": "prod" }`. */
  attributes?: Attributes;
  /** As `instrumentLedger`'s: distinct non-catalog model names kept per model attribute. Default 100. */
  maxUnknownModels?: number;
}

const instrumented = new WeakMap<TokenLedgerHandler, () => void>();

/**
 * Turns a ledger's records into OpenTelemetry spans, one per model run, with the GenAI
 * conventions' inference span: named `{operation} {model}`, kind CLIENT, timed by the record
 * (`startedAt` to `endedAt`), status ERROR with the error line on failures, and the attributes of
 * `spanAttributes` (usage, models, user, conversation, tokenledger's estimate, cost and flags).
 * A model run's parent is the span active when its run ended, when there is one (your own
 * instrumentation: the end callback runs inside `invoke`); else the trace of its top-level run:
 * trace id = the top-level `runId`'s 128 bits, parent = that run's span id (`runSpanContext`), so
 * every model run of one `invoke` lands in one trace. Returns a function that stops it;
 * instrumenting a ledger again returns the first stop function.
 *
 * @example
 * ```ts
 * const provider = new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())] });
 * const stop = instrumentLedgerSpans(ledger, { tracerProvider: provider });
 * await agent.invoke(input, { callbacks: [ledger], runId }); // the trace's id is runId without dashes
 * ```
 */
export function instrumentLedgerSpans(ledger: TokenLedgerHandler, options: SpanOptions = {}): () => void {
  const existing = instrumented.get(ledger);
  if (existing) return existing;
  const tracer = (options.tracerProvider ?? trace.getTracerProvider()).getTracer(PACKAGE_NAME, PACKAGE_VERSION);
  const names = modelNames(options.maxUnknownModels ?? 100);
  const unsubscribe = ledger.onRecord((record: LlmRunRecord) => {
    const attributes = { ...options.attributes, ...spanAttributes(record, names) };
    const active = context.active();
    const parent = trace.getSpan(active) ? active : trace.setSpanContext(active, runSpanContext(record.rootRunId));
    const span = tracer.startSpan(
      `${attributes[ATTR_GEN_AI_OPERATION_NAME]} ${attributes[ATTR_GEN_AI_REQUEST_MODEL]}`,
      { kind: SpanKind.CLIENT, startTime: record.startedAt, attributes },
      parent,
    );
    if (record.status === "error") span.setStatus({ code: SpanStatusCode.ERROR, ...(record.error ? { message: record.error } : {}) });
    span.end(Math.max(record.endedAt, record.startedAt));
  });
  const stop = () => {
    unsubscribe();
    instrumented.delete(ledger);
  };
  instrumented.set(ledger, stop);
  return stop;
}
