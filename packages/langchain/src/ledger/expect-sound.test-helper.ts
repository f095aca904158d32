import { expect } from "vitest";
import { internalSizes } from "./ledger-internals.js";
import type { LlmRunRecord, TokenLedgerHandler } from "./token-ledger-handler.js";

// "No run is ever lost": whatever the provider reports and whatever throws inside the handler,
// the run ends as one record with non-negative integer numbers, a flag, and nothing pending.

/** A serialized model that is not ChatOpenAI. */
export const llm = { lc: 1, type: "not_implemented" as const, id: ["Custom"] };

/** The record is there, its numbers are non-negative integers that add up, and nothing is left in flight. */
export function expectSound(ledger: TokenLedgerHandler, record: LlmRunRecord | undefined) {
  expect(record).toBeDefined();
  for (const n of [record!.inputTokens, record!.outputTokens, record!.totalTokens, record!.contextTokens]) {
    expect(Number.isSafeInteger(n) && n >= 0).toBe(true);
  }
  expect(record!.totalTokens).toBe(record!.inputTokens + record!.outputTokens);
  if (record!.costUsd !== undefined) expect(record!.costUsd >= 0 && Number.isFinite(record!.costUsd)).toBe(true);
  expect(ledger.pendingCount).toBe(0);
  expect(ledger.getTrace(record!.rootRunId)!.pending).toBe(0);
  expect(internalSizes(ledger)).toEqual({ inflight: 0, lineage: 0 });
}
