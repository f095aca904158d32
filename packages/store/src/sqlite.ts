export { SqliteBudgetStore } from "./budget/sqlite-budget-store.js";
export { createSqliteStore, type SqliteStoreOptions } from "./sqlite/index.js";
