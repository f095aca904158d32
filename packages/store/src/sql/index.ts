export { oneRecordPerRun, RUN_COLUMNS, toRunRow, UPSERT_CONFLICT, utcDay } from "./run-row.js";
export { dayBeforeStatement, type RunsLookup, runsLookup, runsStatement, toRecords } from "./runs-sql.js";
export {
  CREATE_MIGRATIONS_TABLE,
  INSERT_VERSION,
  MIGRATIONS,
  MIGRATIONS_TABLE,
  type Migration,
  pendingMigrations,
  RUNS_TABLE,
  SELECT_VERSIONS,
} from "./schema.js";
export { toEpochMs } from "./time-bound.js";
export { type SqlStatement, toUsageRows, usageStatement, whereClause } from "./usage-sql.js";
