export type { SqlDriver } from "./sql-driver.js";
export { openSqlStore } from "./sql-store.js";
