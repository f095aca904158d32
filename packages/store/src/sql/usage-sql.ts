import type { RunFilter, UsageDimension, UsageQuery, UsageRow } from "../contract/index.js";
import { text } from "./run-row.js";
import { RUNS_TABLE } from "./schema.js";
import { toEpochMs } from "./time-bound.js";

/** The column behind each dimension. */
const DIMENSION_COLUMNS: Record<UsageDimension, string> = {
  model: "model",
  user: "user_id",
  tenant: "tenant_id",
  thread: "thread_id",
  day: "day",
  trace: "root_run_id",
};

const FILTER_COLUMNS: Record<keyof RunFilter, string> = {
  model: "model",
  userId: "user_id",
  tenantId: "tenant_id",
  threadId: "thread_id",
  traceId: "root_run_id",
  status: "status",
};

/** A statement with `?` placeholders and its parameters. */
export interface SqlStatement {
  sql: string;
  params: unknown[];
}

/**
 * The `WHERE` clause of a time range and filters; a bad query is one clear `TypeError`.
 *
 * @example
 * ```ts
 * whereClause({ since: 0, where: { userId: ["a", "b"] } }); // { sql: "WHERE started_at >= ? AND user_id IN (?, ?)", params: [0, "a", "b"] }
 * ```
 */
export function whereClause(query: Pick<UsageQuery, "since" | "until" | "where">): SqlStatement {
  const parts: string[] = [];
  const params: unknown[] = [];
  if (query.since !== undefined) {
    parts.push("started_at >= ?");
    params.push(toEpochMs(query.since, "since"));
  }
  if (query.until !== undefined) {
    parts.push("started_at < ?");
    params.push(toEpochMs(query.until, "until"));
  }
  for (const [key, value] of Object.entries(query.where ?? {})) {
    if (value === undefined) continue;
    const column = FILTER_COLUMNS[key as keyof RunFilter];
    if (!column) throw new TypeError(`where takes ${Object.keys(FILTER_COLUMNS).join(", ")}, not "${key}"`);
    const values = Array.isArray(value) ? value : [value];
    if (values.length === 0 || values.some((v) => typeof v !== "string"))
      throw new TypeError(`where.${key} must be a string or a non-empty array of strings`);
    parts.push(`${column} IN (${values.map(() => "?").join(", ")})`);
    params.push(...values.map(text));
  }
  return { sql: parts.length > 0 ? `WHERE ${parts.join(" AND ")}` : "", params };
}

/**
 * The `usage()` statement: totals per group of `by`.
 *
 * @example
 * ```ts
 * usageStatement({ by: ["model"] }).sql; // "SELECT model AS k0, COUNT(*) AS calls, ... GROUP BY model"
 * ```
 */
export function usageStatement(query: UsageQuery): SqlStatement {
  const by = dimensions(query.by);
  const keys = by.map((d, i) => `${DIMENSION_COLUMNS[d]} AS k${i}`);
  const where = whereClause(query);
  const sql = [
    `SELECT ${[...keys, "COUNT(*) AS calls"].join(", ")},`,
    "SUM(CASE WHEN status = 'error' THEN 1 ELSE 0 END) AS errors,",
    "SUM(input_tokens) AS input_tokens, SUM(output_tokens) AS output_tokens, SUM(total_tokens) AS total_tokens,",
    "CAST(COALESCE(SUM(cost_pico), 0) AS TEXT) AS cost_pico, SUM(CASE WHEN cost_pico IS NULL THEN 1 ELSE 0 END) AS unpriced",
    `FROM ${RUNS_TABLE} ${where.sql}`,
    by.length > 0 ? `GROUP BY ${by.map((d) => DIMENSION_COLUMNS[d]).join(", ")}` : "",
  ].join(" ");
  return { sql, params: where.params };
}

/**
 * The database's rows as `UsageRow`s, in one order for every database (keys compared by code
 * unit, missing ones first): text collation differs between SQLite and PostgreSQL.
 */
export function toUsageRows(rows: Record<string, unknown>[], by: UsageDimension[] | undefined): UsageRow[] {
  const dims = dimensions(by);
  const result = rows
    .filter((row) => Number(row.calls) > 0)
    .map((row) => {
      const usage: UsageRow = {
        calls: Number(row.calls),
        errors: Number(row.errors),
        inputTokens: Number(row.input_tokens),
        outputTokens: Number(row.output_tokens),
        totalTokens: Number(row.total_tokens),
        costUsd: Number(BigInt(String(row.cost_pico))) / 1e12,
        unpricedCalls: Number(row.unpriced),
      };
      const keys: Partial<Record<UsageDimension, string | null>> = {};
      dims.forEach((d, i) => {
        keys[d] = (row[`k${i}`] as string | null | undefined) ?? null;
      });
      return { ...keys, ...usage } as UsageRow;
    });
  return result.sort((a, b) => {
    for (const d of dims) {
      const x = a[d] ?? null;
      const y = b[d] ?? null;
      if (x === y) continue;
      if (x === null) return -1;
      if (y === null) return 1;
      return x < y ? -1 : 1;
    }
    return 0;
  });
}

function dimensions(by: UsageDimension[] | undefined): UsageDimension[] {
  if (by === undefined) return [];
  if (!Array.isArray(by)) throw new TypeError(`by must be an array of ${Object.keys(DIMENSION_COLUMNS).join(", ")}`);
  for (const d of by)
    if (!Object.hasOwn(DIMENSION_COLUMNS, d))
      throw new TypeError(`by takes ${Object.keys(DIMENSION_COLUMNS).join(", ")}, not ${JSON.stringify(d)}`);
  return [...new Set(by)];
}
