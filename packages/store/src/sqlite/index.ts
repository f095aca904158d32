export { createSqliteStore, type SqliteStoreOptions } from "./create-sqlite-store.js";
export { enterWalMode } from "./enter-wal-mode.js";
export { inTransaction } from "./in-transaction.js";
