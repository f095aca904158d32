export { createPostgresStore, type PostgresStoreOptions } from "./create-postgres-store.js";
export { inLockedTransaction } from "./in-locked-transaction.js";
