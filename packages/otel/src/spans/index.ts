// The spans room: one OpenTelemetry span per model run, from the ledger's records.
export { instrumentLedgerSpans, type SpanOptions } from "./instrument-ledger-spans.js";
export { runSpanContext } from "./run-span-context.js";
