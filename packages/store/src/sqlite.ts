export { createSqliteStore, type SqliteStoreOptions } from "./sqlite/index.js";
