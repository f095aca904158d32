import { describe, expect, it } from "vitest";
import { buildRunRecord, fallbackRunRecord, type LlmRunState } from "./build-run-record.js";
import { compileLedgerPricing } from "./ledger-pricing.js";

const state = (): LlmRunState => ({
  runId: "r",
  rootRunId: "root",
  parentRunId: "root",
  runName: "ChatOpenAI",
  model: "gpt-4o-mini",
  contextTokens: 3,
  estimatedInputTokens: 20,
  invocationParams: { toolsCount: 0 },
  labels: { tags: [], metadata: {} },
  flags: new Set(),
  streamed: [],
  startedAt: 1,
  startedMono: performance.now(),
});
const pricing = compileLedgerPricing(undefined);

describe("buildRunRecord", () => {
  it("prices the provider's numbers and keeps the run's identity", () => {
    const reports: string[] = [];
    const { record, costPico } = buildRunRecord(
      state(),
      { output: { generations: [[{ text: "ok" }]], llmOutput: { tokenUsage: { promptTokens: 1000, completionTokens: 100 } } } },
      pricing,
      (m) => reports.push(m),
    );
    expect(record).toMatchObject({
      runId: "r",
      rootRunId: "root",
      parentRunId: "root",
      status: "ok",
      source: "provider",
      inputTokens: 1000,
    });
    expect(costPico).toBe(1000n * 150_000n + 100n * 600_000n);
    expect(record.costUsd).toBe(0.00021);
    expect(reports).toEqual([]);
  });

  it("flags and reports invalid usage and an unreadable response_metadata", () => {
    const reports: string[] = [];
    const metadata = Object.defineProperty({}, "model_name", {
      get() {
        throw new Error("no");
      },
    });
    const { record } = buildRunRecord(
      state(),
      {
        output: {
          generations: [[{ text: "ok", message: { response_metadata: metadata } } as never]],
          llmOutput: { tokenUsage: { promptTokens: -1 } },
        },
      },
      pricing,
      (m) => reports.push(m),
    );
    expect(record).toMatchObject({ source: "local", inputTokens: 20, outputTokens: 1 });
    expect(record.flags).toEqual(["invalid-usage", "handler-error"]);
    expect(reports).toEqual(["invalid usage from the provider (input: -1); using local counts", "response_metadata: no"]);
  });
});

describe("fallbackRunRecord", () => {
  it("makes a record from the run's own state alone", () => {
    expect(fallbackRunRecord(state(), { error: "x" }).record).toMatchObject({
      status: "error",
      error: "x",
      inputTokens: 20,
      outputTokens: 0,
      totalTokens: 20,
      source: "local",
    });
  });
});
