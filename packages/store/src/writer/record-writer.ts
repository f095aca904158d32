import type { LlmRunRecord } from "@tokenledger/langchain";
import type { AttachOptions, StoreErrorEvent, StoreStats } from "../contract/index.js";
import { newerRecord } from "./newer-record.js";

const MAX_RETRY_MS = 30_000;

/** The writer's counters, shared by every writer of one store. */
export type WriterStats = Omit<StoreStats, "queued">;

/** `AttachOptions` with every default applied. */
export type WriterOptions = Required<AttachOptions>;

/**
 * The queue between a handler and a store: one record per run id (a newer record of a queued
 * run replaces it in place), written in batches of at most `batchSize`, one write at a time, in
 * order. A failed write keeps its records at the front and retries after a doubling delay; past
 * `maxQueue` new records are dropped, counted and reported. `push` returns, in sync mode, a
 * promise that settles once the record was committed or its write failed (it is then retried).
 *
 * @example
 * ```ts
 * const writer = new RecordWriter((records) => store.write(records), options, stats);
 * await writer.push(record); // sync: committed (or queued after a failure)
 * await writer.close();
 * ```
 */
export class RecordWriter {
  readonly #write: (records: LlmRunRecord[]) => Promise<void>;
  readonly #options: WriterOptions;
  readonly #stats: WriterStats;
  #queue = new Map<string, LlmRunRecord>();
  /** Sync mode: who waits for which run's write. */
  readonly #waiters = new Map<string, (() => void)[]>();
  #draining: Promise<void> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #retryTimer: NodeJS.Timeout | undefined;
  /** Failed writes in a row (the retry delay doubles with each). */
  #failures = 0;
  #failedAttempts = 0;
  #closed = false;

  constructor(write: (records: LlmRunRecord[]) => Promise<void>, options: WriterOptions, stats: WriterStats) {
    this.#write = write;
    this.#options = options;
    this.#stats = stats;
  }

  get queued(): number {
    return this.#queue.size;
  }

  push(record: LlmRunRecord): Promise<void> | undefined {
    if (this.#closed) {
      this.#drop([record], "the store is closed");
      return undefined;
    }
    const queued = this.#queue.get(record.runId);
    if (queued) {
      if (newerRecord(queued, record) === record) this.#queue.set(record.runId, record);
    } else if (this.#queue.size >= this.#options.maxQueue) {
      this.#drop([record], `the queue is full (maxQueue ${this.#options.maxQueue})`);
      return undefined;
    } else {
      this.#queue.set(record.runId, record);
    }
    if (this.#options.durability === "sync") {
      // While the store is down (a retry is scheduled) the chain does not wait for it.
      if (this.#retryTimer) return undefined;
      const waited = new Promise<void>((resolve) => {
        const list = this.#waiters.get(record.runId);
        if (list) list.push(resolve);
        else this.#waiters.set(record.runId, [resolve]);
      });
      this.#kick();
      return waited;
    }
    if (this.#queue.size >= this.#options.batchSize) this.#kick();
    else this.#timer ??= setTimeout(() => this.#kick(), this.#options.flushMs).unref();
    return undefined;
  }

  /** Writes until the queue is empty or a write fails (the failed records stay queued and are retried). */
  async flush(): Promise<void> {
    this.#cancelRetry();
    const failures = this.#failedAttempts;
    do await this.#drain();
    while (this.#queue.size > 0 && this.#failedAttempts === failures);
  }

  /** Stops taking records, writes what is queued (one pass), and reports what could not be written as dropped. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.flush();
    this.#cancelRetry();
    if (this.#queue.size > 0) {
      const lost = [...this.#queue.values()];
      this.#queue.clear();
      this.#drop(lost, "the store could not be written before it closed");
    }
    this.#release([...this.#waiters.keys()]);
  }

  #kick(): void {
    if (this.#draining || this.#retryTimer) return;
    void this.#drain();
  }

  #drain(): Promise<void> {
    this.#draining ??= this.#drainLoop().finally(() => {
      this.#draining = undefined;
      // Batched: what came in during the writes waits for its window (or a full batch).
      if (this.#queue.size > 0 && !this.#retryTimer && !this.#closed) {
        if (this.#options.durability === "sync" || this.#queue.size >= this.#options.batchSize) this.#kick();
        else this.#timer ??= setTimeout(() => this.#kick(), this.#options.flushMs).unref();
      }
    });
    return this.#draining;
  }

  /** Writes everything queued when it starts (records that arrive meanwhile are left to `#drain`). */
  async #drainLoop(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    let left = this.#queue.size;
    while (left > 0 && this.#queue.size > 0) {
      const batch = this.#take();
      left -= batch.length;
      try {
        await this.#write(batch);
      } catch (error) {
        this.#failed(batch, error);
        return;
      }
      this.#failures = 0;
      this.#stats.written += batch.length;
      this.#release(batch.map((r) => r.runId));
    }
  }

  #take(): LlmRunRecord[] {
    const batch: LlmRunRecord[] = [];
    for (const [runId, record] of this.#queue) {
      if (batch.length >= this.#options.batchSize) break;
      batch.push(record);
      this.#queue.delete(runId);
    }
    return batch;
  }

  #failed(batch: LlmRunRecord[], error: unknown): void {
    this.#stats.failedWrites++;
    this.#failedAttempts++;
    // Back at the front, unless a newer record of the same run came in meanwhile.
    const back = batch.filter((r) => !this.#queue.has(r.runId)).map((r) => [r.runId, r] as const);
    this.#queue = new Map([...back, ...this.#queue]);
    this.#report({
      kind: "write-failed",
      error,
      runIds: batch.map((r) => r.runId),
      message: `writing ${batch.length} record${batch.length === 1 ? "" : "s"} failed (kept, retried): ${errorLine(error)}`,
    });
    this.#release([...this.#waiters.keys()]);
    if (this.#closed) return;
    const delay = Math.min(MAX_RETRY_MS, this.#options.retryMs * 2 ** this.#failures++);
    this.#retryTimer = setTimeout(
      () => {
        this.#retryTimer = undefined;
        void this.#drain();
      },
      delay * (0.75 + Math.random() / 2),
    );
    // A process with nothing else to do still exits: the store's exit hook tries once more.
    this.#retryTimer.unref();
  }

  #cancelRetry(): void {
    if (this.#retryTimer) clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
  }

  #release(runIds: string[]): void {
    for (const runId of runIds) {
      const list = this.#waiters.get(runId);
      if (!list) continue;
      this.#waiters.delete(runId);
      for (const resolve of list) resolve();
    }
  }

  #drop(records: LlmRunRecord[], why: string): void {
    this.#stats.dropped += records.length;
    this.#report({
      kind: "dropped",
      runIds: records.map((r) => r.runId),
      message: `${records.length} record${records.length === 1 ? "" : "s"} dropped: ${why}`,
    });
  }

  #report(event: StoreErrorEvent): void {
    try {
      this.#options.onError(event);
    } catch {
      // The error channel's own failure has nowhere left to go.
    }
  }
}

/** The first line of an error's message. */
export function errorLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split("\n")[0] ?? text;
}
