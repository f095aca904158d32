import type { LlmRunRecord } from "@tokenledger/langchain";

/** What a group of `usage()` is keyed by: a record's model, user, tenant, thread, UTC day (of its start) or trace (root run). */
export type UsageDimension = "model" | "user" | "tenant" | "thread" | "day" | "trace";

/** A time bound: epoch milliseconds, a `Date`, or an ISO 8601 string. */
export type TimeBound = number | Date | string;

/** Equality filters on stored runs; an array matches any of its values. */
export interface RunFilter {
  model?: string | string[];
  userId?: string | string[];
  tenantId?: string | string[];
  threadId?: string | string[];
  traceId?: string | string[];
  status?: "ok" | "error";
}

export interface UsageQuery {
  /** Group by these, in this order (default: none, one row of totals). */
  by?: UsageDimension[];
  /** Runs started at or after this. */
  since?: TimeBound;
  /** Runs started before this. */
  until?: TimeBound;
  where?: RunFilter;
}

/** One group of `usage()`: its keys (a missing user, tenant or thread is `null`) and its totals. */
export interface UsageRow {
  model?: string;
  user?: string | null;
  tenant?: string | null;
  thread?: string | null;
  /** `YYYY-MM-DD`, UTC. */
  day?: string;
  trace?: string;
  calls: number;
  errors: number;
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  /** The summed cost of the priced calls (summed exactly, in picodollars, then converted). */
  costUsd: number;
  /** Calls without a price (unknown model): their cost is not in `costUsd`. */
  unpricedCalls: number;
}

/** Which runs `runs()` returns: exactly one of `traceId`, `userId`, `threadId`. */
export type RunsQuery = ({ traceId: string } | { userId: string } | { threadId: string }) & {
  /** At most this many, the newest (default 100, at most 10,000). */
  limit?: number;
};

/** How an attached handler's records reach the store. */
export type Durability = "sync" | "batched";

export interface AttachOptions {
  /**
   * `"sync"`: the run's end (so `invoke`) waits until its record is committed, or until the
   * write failed (the record is then queued and retried). `"batched"` (default): records are
   * written every `flushMs` or `batchSize` records, on `detach()` / `close()` and before the
   * process exits; a crash loses at most the records of one window.
   */
  durability?: Durability;
  /** Batched: the longest a record waits before a write. Default 1,000 ms. */
  flushMs?: number;
  /** Batched: write as soon as this many records wait; also the most one write (one transaction) carries. Default 2,000 for SQLite, 500 for PostgreSQL. */
  batchSize?: number;
  /** Records held while the store is unreachable; past it, new records are dropped, counted and reported. Default 100,000. */
  maxQueue?: number;
  /** First retry delay after a failed write, doubled per failure up to 30 s. Default 250 ms. */
  retryMs?: number;
  /** Told of every failed write (records stay queued) and every dropped record. Default: a line on stderr, at most every 10 s. */
  onError?: (event: StoreErrorEvent) => void;
}

export interface StoreErrorEvent {
  /** `write-failed`: a write failed, its records stay queued; `dropped`: the queue was full, records were lost. */
  kind: "write-failed" | "dropped";
  error?: unknown;
  /** The runs concerned. */
  runIds: string[];
  /** One line. */
  message: string;
}

/** Counters of a store's writers since it opened. */
export interface StoreStats {
  /** Records committed (an upsert of a run already stored counts again). */
  written: number;
  /** Records waiting to be written. */
  queued: number;
  /** Writes that failed (their records were kept and retried). */
  failedWrites: number;
  /** Records lost because the queue was full (each also reported to `onError`). */
  dropped: number;
}

/** The part of `TokenLedgerHandler` a store needs. */
export interface RecordSource {
  onRecord(listener: (record: LlmRunRecord) => unknown, options?: { wait?: boolean }): () => void;
}

/**
 * Durable ledger records: written by run id (a retried or late record replaces the stored one,
 * never adds a second), queried by group and by run.
 *
 * @example
 * ```ts
 * const store = await createSqliteStore({ path: "ledger.db" });
 * const detach = store.attach(ledger, { durability: "sync" });
 * await model.invoke("Hi", { callbacks: [ledger], metadata: { user_id: "u1" } });
 * await store.usage({ by: ["user", "model"], since: Date.now() - 86_400_000 });
 * await store.close();
 * ```
 */
export interface LedgerStore {
  /** Upserts records by run id in one transaction; rejects if the store fails (nothing is queued). */
  write(records: readonly LlmRunRecord[]): Promise<void>;
  /** Writes each record the handler finishes; returns `detach`, which writes what is queued. */
  attach(handler: RecordSource, options?: AttachOptions): () => Promise<void>;
  /** Writes what every attached handler has queued (one attempt). */
  flush(): Promise<void>;
  usage(query?: UsageQuery): Promise<UsageRow[]>;
  runs(query: RunsQuery): Promise<LlmRunRecord[]>;
  stats(): StoreStats;
  /** Detaches every handler, writes what is queued (one attempt; what fails is reported as dropped) and closes the connection. */
  close(): Promise<void>;
}
