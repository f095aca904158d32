import type { LlmRunRecord } from "@tokenledger/langchain";
import { isLate, newerRecord } from "../writer/index.js";
import { RUNS_TABLE } from "./schema.js";

/** The columns of a run's row, in the order `toRunRow` gives its values. */
export const RUN_COLUMNS = [
  "run_id",
  "root_run_id",
  "parent_run_id",
  "model",
  "status",
  "user_id",
  "thread_id",
  "tenant_id",
  "input_tokens",
  "output_tokens",
  "total_tokens",
  "cost_pico",
  "started_at",
  "day",
  "late",
  "written_at",
  "record",
] as const;

/**
 * The upsert's conflict clause: a retried or corrected record replaces the stored row, except
 * that a record that is not `late` never replaces a `late` one (the run's real numbers).
 */
export const UPSERT_CONFLICT = `ON CONFLICT (run_id) DO UPDATE SET ${RUN_COLUMNS.slice(1)
  .map((c) => `${c} = excluded.${c}`)
  .join(", ")} WHERE excluded.late = 1 OR ${RUNS_TABLE}.late = 0`;

/**
 * A record as its row's values: the query columns, and the whole record as JSON. Cost is kept
 * as integer picodollars, so sums are exact in both databases.
 *
 * @example
 * ```ts
 * toRunRow(record, Date.now())[0]; // record.runId
 * ```
 */
export function toRunRow(record: LlmRunRecord, writtenAt: number): unknown[] {
  const cost = record.costUsd;
  return [
    text(record.runId),
    text(record.rootRunId),
    record.parentRunId === undefined ? null : text(record.parentRunId),
    text(record.model),
    record.status,
    record.userId === undefined ? null : text(record.userId),
    record.threadId === undefined ? null : text(record.threadId),
    record.tenantId === undefined ? null : text(record.tenantId),
    record.inputTokens,
    record.outputTokens,
    record.totalTokens,
    typeof cost === "number" && Number.isFinite(cost) && cost >= 0 ? Math.round(cost * 1e12) : null,
    record.startedAt,
    utcDay(record.startedAt),
    isLate(record) ? 1 : 0,
    writtenAt,
    JSON.stringify(record),
  ];
}

/**
 * A key column's text: PostgreSQL's text cannot hold U+0000, so it becomes U+FFFD in the column
 * (the same in both databases, and in query parameters); the record's JSON keeps the original.
 */
export const text = (value: string): string => (value.includes("\u0000") ? value.replaceAll("\u0000", "\uFFFD") : value);

const DAY_MS = 86_400_000;
/** The day `utcDay` gave last: a batch's records are mostly of one day, whose text is made once. */
let lastDay = { day: Number.NaN, text: "" };

/** `YYYY-MM-DD` of an epoch-ms time, UTC. */
export function utcDay(ms: number): string {
  const day = Math.floor(ms / DAY_MS);
  if (day !== lastDay.day) lastDay = { day, text: new Date(ms).toISOString().slice(0, 10) };
  return lastDay.text;
}

/**
 * One record per run id, in first-seen order, the newer winning (see `newerRecord`): one
 * statement may not touch a row twice.
 *
 * @example
 * ```ts
 * oneRecordPerRun([a, a2, b]); // [a2, b]
 * ```
 */
export function oneRecordPerRun(records: readonly LlmRunRecord[]): LlmRunRecord[] {
  const byRun = new Map<string, LlmRunRecord>();
  for (const record of records) {
    const seen = byRun.get(record.runId);
    byRun.set(record.runId, seen ? newerRecord(seen, record) : record);
  }
  return [...byRun.values()];
}
