import type { LlmRunRecord } from "@tokenledger/langchain";

export const DAY = 86_400_000;
/** 2026-03-01T00:00:00Z */
export const T0 = Date.UTC(2026, 2, 1);

/** A finished run as the handler gives it, with `overrides`. */
export function sampleRecord(overrides: Partial<LlmRunRecord> & { runId: string }): LlmRunRecord {
  const inputTokens = overrides.inputTokens ?? 10;
  const outputTokens = overrides.outputTokens ?? 5;
  return {
    rootRunId: overrides.runId,
    runName: "ChatOpenAI",
    model: "gpt-4o-mini",
    provider: "openai",
    status: "ok",
    contextTokens: 0,
    inputTokens,
    outputTokens,
    totalTokens: inputTokens + outputTokens,
    source: "provider",
    invocationParams: { toolsCount: 0 },
    cached: false,
    startedAt: T0,
    endedAt: T0 + 10,
    durationMs: 10,
    flags: [],
    tags: [],
    metadata: {},
    ...overrides,
  };
}

/**
 * A fixed fleet's day: 3 users (one unknown), 2 tenants, 3 models (one unpriced), 2 days, errors,
 * traces of several runs, costs whose float sum is not exact.
 */
export function sampleRecords(): LlmRunRecord[] {
  const models = ["gpt-4o-mini", "gpt-4o", "nobody-knows"];
  const users = ["alice", "bob", undefined];
  const records: LlmRunRecord[] = [];
  for (let i = 0; i < 60; i++) {
    const model = models[i % 3] as string;
    const userId = users[i % 3 === 0 ? (i / 3) % 3 : i % 2];
    records.push(
      sampleRecord({
        runId: `run-${String(i).padStart(3, "0")}`,
        rootRunId: `trace-${Math.floor(i / 4)}`,
        model,
        status: i % 7 === 0 ? "error" : "ok",
        inputTokens: 100 + i,
        outputTokens: i % 7 === 0 ? 0 : 7 * i,
        totalTokens: 100 + i + (i % 7 === 0 ? 0 : 7 * i),
        ...(model === "nobody-knows" ? {} : { costUsd: 0.1 * (i + 1) + 0.2 }),
        ...(userId === undefined ? {} : { userId }),
        ...(i % 5 === 0 ? {} : { tenantId: i % 2 === 0 ? "acme" : "globex" }),
        threadId: `thread-${i % 4}`,
        startedAt: T0 + (i < 30 ? 0 : DAY) + i * 1000,
        metadata: { user_id: userId ?? null, note: `run ${i}` },
        tags: ["fleet", `n${i}`],
      }),
    );
  }
  return records;
}
