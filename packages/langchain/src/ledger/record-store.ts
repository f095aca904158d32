import { BoundedMap } from "../shared/index.js";
import type { LlmRunRecord, TraceUsage } from "./ledger-record.js";
import { TotalsAccumulator, type UsageTotals } from "./usage-totals.js";

interface TraceState {
  rootRunId: string;
  attribution?: { userId?: string; threadId?: string; tenantId?: string };
  totals: TotalsAccumulator;
  runIds: string[];
  pending: number;
}

export interface RecordStoreOptions {
  maxRecords: number;
  maxTraces: number;
  /** Told when a listener throws or rejects. */
  onListenerError: (error: unknown, record: LlmRunRecord) => void;
}

const MAX_MODELS = 1000;
const OTHER_MODELS = "(other)";

/**
 * The ledger's finished runs: records (oldest evicted past `maxRecords`), traces by root run
 * (oldest evicted past `maxTraces`), totals overall and per model (at most 1,000 model names,
 * then `(other)`), and the record listeners.
 *
 * @example
 * ```ts
 * const store = new RecordStore({ maxRecords: 100, maxTraces: 100, onListenerError: console.warn });
 * store.started("root-1");
 * store.add(record, 42n);
 * store.trace("root-1")?.pending; // 0
 * ```
 */
export class RecordStore {
  readonly #options: RecordStoreOptions;
  readonly #records: BoundedMap<string, LlmRunRecord>;
  readonly #traces: BoundedMap<string, TraceState>;
  readonly #totals = new TotalsAccumulator();
  readonly #byModel = new Map<string, TotalsAccumulator>();
  /** Each listener, and whether the run's end waits for its promise. */
  readonly #listeners = new Map<(record: LlmRunRecord) => unknown, boolean>();

  constructor(options: RecordStoreOptions) {
    this.#options = options;
    this.#records = new BoundedMap(options.maxRecords);
    this.#traces = new BoundedMap(options.maxTraces);
  }

  /** A model run of this trace started. */
  started(rootRunId: string): void {
    this.#traceOf(rootRunId).pending++;
  }

  has(runId: string): boolean {
    return this.#records.has(runId);
  }

  /** Adds a finished run; returns the promise of the listeners registered to be waited for, if any. */
  add(record: LlmRunRecord, costPico: bigint | undefined): Promise<void> | undefined {
    this.#records.set(record.runId, record);
    this.#totals.add(record, costPico);
    this.#modelTotals(record.model).add(record, costPico);
    const trace = this.#traceOf(record.rootRunId);
    trace.pending = Math.max(0, trace.pending - 1);
    trace.totals.add(record, costPico);
    trace.runIds.push(record.runId);
    if (trace.runIds.length > this.#options.maxRecords) trace.runIds.shift();
    if (!trace.attribution && (record.userId ?? record.threadId ?? record.tenantId) !== undefined) {
      trace.attribution = {
        ...(record.userId === undefined ? {} : { userId: record.userId }),
        ...(record.threadId === undefined ? {} : { threadId: record.threadId }),
        ...(record.tenantId === undefined ? {} : { tenantId: record.tenantId }),
      };
    }
    return this.#emit(record);
  }

  /**
   * Replaces the record of a run closed early (abandoned) by its correction, when its real end
   * came: the totals overall, per model and of its trace move by the difference (the call is not
   * counted twice), and the listeners get the new record (same `runId`: they upsert).
   */
  replace(
    earlier: LlmRunRecord,
    earlierCost: bigint | undefined,
    record: LlmRunRecord,
    costPico: bigint | undefined,
  ): Promise<void> | undefined {
    this.#records.set(record.runId, record);
    this.#totals.replace(earlier, earlierCost, record, costPico);
    this.#modelTotals(record.model).replace(earlier, earlierCost, record, costPico);
    this.#traces.get(record.rootRunId)?.totals.replace(earlier, earlierCost, record, costPico);
    return this.#emit(record);
  }

  /** Tells every listener, over a snapshot: a listener that (un)subscribes others does not change this round. */
  #emit(record: LlmRunRecord): Promise<void> | undefined {
    let waits: Promise<void>[] | undefined;
    for (const [listener, wait] of [...this.#listeners]) {
      const waited = this.#notify(listener, record);
      if (wait && waited) (waits ??= []).push(waited);
    }
    return waits ? Promise.all(waits).then(() => undefined) : undefined;
  }

  records(): LlmRunRecord[] {
    return [...this.#records.values()];
  }

  get(runId: string): LlmRunRecord | undefined {
    return this.#records.get(runId);
  }

  trace(rootRunId: string): TraceUsage | undefined {
    const trace = this.#traces.get(rootRunId);
    return trace ? this.#snapshot(trace) : undefined;
  }

  /** Traces still held, the most recently started first. */
  traces(): TraceUsage[] {
    return [...this.#traces.values()].reverse().map((trace) => this.#snapshot(trace));
  }

  totals(): UsageTotals {
    return this.#totals.snapshot();
  }

  totalsByModel(): Record<string, UsageTotals> {
    return Object.fromEntries([...this.#byModel].map(([model, totals]) => [model, totals.snapshot()]));
  }

  onRecord(listener: (record: LlmRunRecord) => unknown, wait = false): () => void {
    this.#listeners.set(listener, wait);
    return () => this.#listeners.delete(listener);
  }

  /** Calls one listener; returns its promise, settled (never rejecting), when it gave one. */
  #notify(listener: (record: LlmRunRecord) => unknown, record: LlmRunRecord): Promise<void> | undefined {
    try {
      const result = listener(record) as PromiseLike<unknown> | undefined;
      if (result && typeof result.then === "function") {
        return Promise.resolve(result).then(
          () => undefined,
          (error: unknown) => this.#failed(error, record),
        );
      }
    } catch (error) {
      this.#failed(error, record);
    }
    return undefined;
  }

  #failed(error: unknown, record: LlmRunRecord): void {
    try {
      this.#options.onListenerError(error, record);
    } catch {
      // The error channel's own failure has nowhere left to go.
    }
  }

  #snapshot(trace: TraceState): TraceUsage {
    const records = trace.runIds.map((id) => this.#records.get(id)).filter((r): r is LlmRunRecord => r !== undefined);
    return { rootRunId: trace.rootRunId, ...trace.attribution, pending: trace.pending, records, ...trace.totals.snapshot() };
  }

  #traceOf(rootRunId: string): TraceState {
    let trace = this.#traces.get(rootRunId);
    if (!trace) {
      trace = { rootRunId, totals: new TotalsAccumulator(), runIds: [], pending: 0 };
      this.#traces.set(rootRunId, trace);
    }
    return trace;
  }

  #modelTotals(model: string): TotalsAccumulator {
    const key = this.#byModel.has(model) || this.#byModel.size < MAX_MODELS ? model : OTHER_MODELS;
    let totals = this.#byModel.get(key);
    if (!totals) this.#byModel.set(key, (totals = new TotalsAccumulator()));
    return totals;
  }
}
