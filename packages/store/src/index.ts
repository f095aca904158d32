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
} from "./contract/index.js";
export { MIGRATIONS } from "./sql/index.js";
