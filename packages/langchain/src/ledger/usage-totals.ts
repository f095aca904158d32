import { picoToUsd } from "@tokenledger/core/internal";

export interface UsageTotals {
  calls: number;
  /** Calls that ended in an error, an abort or were abandoned. */
  errors: number;
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  contextTokens: number;
  /** Input tokens the provider read from its prompt cache (part of `inputTokens`). */
  cachedInputTokens: number;
  /** Only when at least one call had a known price; calls without one add nothing. */
  costUsd?: number;
}

export interface TotalsSource {
  status: "ok" | "error";
  inputTokens: number;
  outputTokens: number;
  contextTokens: number;
  reported?: { cacheReadTokens?: number };
}

/** A running sum; money is kept in integer picodollars and turned into dollars only when read. */
export class TotalsAccumulator {
  calls = 0;
  errors = 0;
  inputTokens = 0;
  outputTokens = 0;
  contextTokens = 0;
  cachedInputTokens = 0;
  costPico: bigint | undefined;

  add(record: TotalsSource, costPico: bigint | undefined): void {
    this.calls++;
    if (record.status === "error") this.errors++;
    this.inputTokens += record.inputTokens;
    this.outputTokens += record.outputTokens;
    this.contextTokens += record.contextTokens;
    this.cachedInputTokens += record.reported?.cacheReadTokens ?? 0;
    if (costPico !== undefined) this.costPico = (this.costPico ?? 0n) + costPico;
  }

  /** Moves the sums by the difference between a run's earlier record and its correction (same call count). */
  replace(earlier: TotalsSource, earlierCost: bigint | undefined, record: TotalsSource, costPico: bigint | undefined): void {
    this.add(record, costPico);
    this.calls--;
    if (earlier.status === "error") this.errors--;
    this.inputTokens -= earlier.inputTokens;
    this.outputTokens -= earlier.outputTokens;
    this.contextTokens -= earlier.contextTokens;
    this.cachedInputTokens -= earlier.reported?.cacheReadTokens ?? 0;
    if (earlierCost !== undefined) this.costPico = (this.costPico ?? 0n) - earlierCost;
  }

  snapshot(): UsageTotals {
    return {
      calls: this.calls,
      errors: this.errors,
      inputTokens: this.inputTokens,
      outputTokens: this.outputTokens,
      totalTokens: this.inputTokens + this.outputTokens,
      contextTokens: this.contextTokens,
      cachedInputTokens: this.cachedInputTokens,
      ...(this.costPico === undefined ? {} : { costUsd: picoToUsd(this.costPico) }),
    };
  }
}
