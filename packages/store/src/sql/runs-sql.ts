import type { LlmRunRecord } from "@tokenledger/langchain";
import type { RunsQuery } from "../contract/index.js";
import { text } from "./run-row.js";
import { RUNS_TABLE } from "./schema.js";
import type { SqlStatement } from "./usage-sql.js";

const MAX_LIMIT = 10_000;

/** A checked `runs()` query: the column it looks up, the value, how many runs. */
export interface RunsLookup {
  column: "root_run_id" | "user_id" | "thread_id";
  value: string;
  limit: number;
}

/**
 * A `runs()` query checked; a bad one is one clear `TypeError`.
 *
 * @example
 * ```ts
 * runsLookup({ userId: "u1", limit: 5 }); // { column: "user_id", value: "u1", limit: 5 }
 * ```
 */
export function runsLookup(query: RunsQuery): RunsLookup {
  const given = (["traceId", "userId", "threadId"] as const).filter((k) => (query as Record<string, unknown>)[k] !== undefined);
  if (given.length !== 1) throw new TypeError("runs takes exactly one of traceId, userId, threadId");
  const key = given[0] as "traceId" | "userId" | "threadId";
  const value = (query as Record<string, unknown>)[key];
  if (typeof value !== "string") throw new TypeError(`${key} must be a string`);
  const limit = query.limit ?? 100;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT)
    throw new TypeError(`limit must be an integer from 1 to ${MAX_LIMIT}, not ${String(limit)}`);
  const column = ({ traceId: "root_run_id", userId: "user_id", threadId: "thread_id" } as const)[key];
  return { column, value: text(value), limit };
}

/**
 * The newest runs of a lookup, at most `limit`: of a trace, all of it; of a user or thread, of one
 * `day` (their indexes lead with the day, see `MIGRATIONS`).
 *
 * @example
 * ```ts
 * runsStatement({ column: "user_id", value: "u1", limit: 5 }, "2026-03-01");
 * // { sql: "SELECT record FROM ... WHERE day = ? AND user_id = ? ORDER BY ...", params: ["2026-03-01", "u1", 5] }
 * ```
 */
export function runsStatement(lookup: RunsLookup, day?: string): SqlStatement {
  const where = day === undefined ? `${lookup.column} = ?` : `day = ? AND ${lookup.column} = ?`;
  return {
    sql: `SELECT record FROM ${RUNS_TABLE} WHERE ${where} ORDER BY started_at DESC, run_id DESC LIMIT ?`,
    params: [...(day === undefined ? [] : [day]), lookup.value, lookup.limit],
  };
}

/**
 * The newest day with runs before `day` (or of all), as `{ day }` (null when there is none): one
 * step down the day index, however many runs a day holds.
 *
 * @example
 * ```ts
 * dayBeforeStatement("2026-03-02"); // { sql: "SELECT MAX(day) AS day FROM ... WHERE day < ?", params: ["2026-03-02"] }
 * ```
 */
export function dayBeforeStatement(day?: string): SqlStatement {
  return day === undefined
    ? { sql: `SELECT MAX(day) AS day FROM ${RUNS_TABLE}`, params: [] }
    : { sql: `SELECT MAX(day) AS day FROM ${RUNS_TABLE} WHERE day < ?`, params: [day] };
}

export const toRecords = (rows: Record<string, unknown>[]): LlmRunRecord[] =>
  rows.map((row) => JSON.parse(String(row.record)) as LlmRunRecord);
