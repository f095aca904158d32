/** The record a store keeps: `TokenLedgerHandler`'s, re-exported so that readers need not install the handler. */
export type { LlmRunRecord } from "@tokenledger/langchain";
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
