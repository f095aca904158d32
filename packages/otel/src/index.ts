export { DURATION_BUCKETS, type InstrumentOptions, instrumentLedger, TOKEN_BUCKETS } from "./instrument-ledger.js";
export { OTHER_MODEL } from "./semconv.js";
export { instrumentLedgerSpans, runSpanContext, type SpanOptions } from "./spans/index.js";
