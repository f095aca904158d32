export type {
  AttachOptions,
  Durability,
  LedgerStore,
  RecordSource,
  RunFilter,
  RunsQuery,
  StoreErrorEvent,
  StoreStats,
  TimeBound,
  UsageDimension,
  UsageQuery,
  UsageRow,
} from "./ledger-store.js";
