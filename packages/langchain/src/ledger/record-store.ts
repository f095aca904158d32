import { BoundedMap } from "../shared/index.js";
import type { LlmRunRecord, TraceUsage } from "./ledger-record.js";
import { TotalsAccumulator, type UsageTotals } from "./usage-totals.js";

interface TraceState {
  rootRunId: string;
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
  readonly #listeners = new Set<(record: LlmRunRecord) => unknown>();

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

  add(record: LlmRunRecord, costPico: bigint | undefined): void {
    this.#records.set(record.runId, record);
    this.#totals.add(record, costPico);
    this.#modelTotals(record.model).add(record, costPico);
    const trace = this.#traceOf(record.rootRunId);
    trace.pending = Math.max(0, trace.pending - 1);
    trace.totals.add(record, costPico);
    trace.runIds.push(record.runId);
    if (trace.runIds.length > this.#options.maxRecords) trace.runIds.shift();
    for (const listener of this.#listeners) this.#notify(listener, record);
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

  onRecord(listener: (record: LlmRunRecord) => unknown): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #notify(listener: (record: LlmRunRecord) => unknown, record: LlmRunRecord): void {
    try {
      const result = listener(record) as PromiseLike<unknown> | undefined;
      if (result && typeof result.then === "function") {
        result.then(undefined, (error: unknown) => this.#options.onListenerError(error, record));
      }
    } catch (error) {
      this.#options.onListenerError(error, record);
    }
  }

  #snapshot(trace: TraceState): TraceUsage {
    const records = trace.runIds.map((id) => this.#records.get(id)).filter((r): r is LlmRunRecord => r !== undefined);
    return { rootRunId: trace.rootRunId, pending: trace.pending, records, ...trace.totals.snapshot() };
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
