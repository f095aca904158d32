import type { LlmRunRecord } from "@tokenledger/langchain";

/**
 * Which of two records of one run wins: a `late` record (the run's real end, after it was closed
 * as abandoned) is never replaced by one that is not; otherwise the one written last.
 *
 * @example
 * ```ts
 * newerRecord(abandoned, late); // late
 * newerRecord(late, abandoned); // late
 * ```
 */
export function newerRecord(stored: LlmRunRecord, incoming: LlmRunRecord): LlmRunRecord {
  return isLate(stored) && !isLate(incoming) ? stored : incoming;
}

export const isLate = (record: LlmRunRecord): boolean => record.flags.includes("late");
