export { createPostgresStore, type PostgresStoreOptions } from "./postgres/index.js";
