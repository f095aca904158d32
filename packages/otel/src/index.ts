export { DURATION_BUCKETS, type InstrumentOptions, instrumentLedger, OTHER_MODEL, TOKEN_BUCKETS } from "./instrument-ledger.js";
