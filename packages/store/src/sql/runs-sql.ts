import type { LlmRunRecord } from "@tokenledger/langchain";
import type { RunsQuery } from "../contract/index.js";
import { text } from "./run-row.js";
import { RUNS_TABLE } from "./schema.js";
import type { SqlStatement } from "./usage-sql.js";

const MAX_LIMIT = 10_000;

/**
 * The `runs()` statement: the newest runs of one trace, user or thread.
 *
 * @example
 * ```ts
 * runsStatement({ traceId: "t1", limit: 5 }); // { sql: "SELECT record FROM ... WHERE root_run_id = ? ...", params: ["t1", 5] }
 * ```
 */
export function runsStatement(query: RunsQuery): SqlStatement {
  const given = (["traceId", "userId", "threadId"] as const).filter((k) => (query as Record<string, unknown>)[k] !== undefined);
  if (given.length !== 1) throw new TypeError("runs takes exactly one of traceId, userId, threadId");
  const key = given[0] as "traceId" | "userId" | "threadId";
  const value = (query as Record<string, unknown>)[key];
  if (typeof value !== "string") throw new TypeError(`${key} must be a string`);
  const limit = query.limit ?? 100;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT)
    throw new TypeError(`limit must be an integer from 1 to ${MAX_LIMIT}, not ${String(limit)}`);
  const column = { traceId: "root_run_id", userId: "user_id", threadId: "thread_id" }[key];
  return {
    sql: `SELECT record FROM ${RUNS_TABLE} WHERE ${column} = ? ORDER BY started_at DESC, run_id DESC LIMIT ?`,
    params: [text(value), limit],
  };
}

export const toRecords = (rows: Record<string, unknown>[]): LlmRunRecord[] =>
  rows.map((row) => JSON.parse(String(row.record)) as LlmRunRecord);
