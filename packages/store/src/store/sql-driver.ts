import type { LlmRunRecord } from "@tokenledger/langchain";

/** What one database gives the shared store: migrations, upserts, reads, close. */
export interface SqlDriver {
  /** The records one write carries by default (`AttachOptions.batchSize`): what this database writes fastest. */
  readonly batchSize: number;
  /** Applies `pendingMigrations` in one transaction that holds the database's write lock. */
  migrate(): Promise<void>;
  /** Upserts records (one per run id) in one transaction. */
  upsert(records: LlmRunRecord[]): Promise<void>;
  /** A read; `?` placeholders. */
  all(sql: string, params: unknown[]): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}
