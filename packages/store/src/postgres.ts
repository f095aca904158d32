export { PostgresBudgetStore } from "./budget/postgres-budget-store.js";
export { createPostgresStore, type PostgresStoreOptions } from "./postgres/index.js";
