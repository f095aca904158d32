import type { LlmRunRecord } from "@tokenledger/langchain";
import type { AttachOptions, LedgerStore, RecordSource, RunsQuery, UsageQuery } from "../contract/index.js";
import {
  dayBeforeStatement,
  oneRecordPerRun,
  runsLookup,
  runsStatement,
  type SqlStatement,
  toRecords,
  toUsageRows,
  usageStatement,
} from "../sql/index.js";
import { RecordWriter, type WriterStats, writerOptions } from "../writer/index.js";
import type { SqlDriver } from "./sql-driver.js";

/**
 * The `LedgerStore` over one database driver: migrations on open, upserts, the attached
 * handlers' writers (and one exit hook for them), queries. Both stores are this.
 *
 * @example
 * ```ts
 * const store = await openSqlStore(driver);
 * ```
 */
export async function openSqlStore(driver: SqlDriver): Promise<LedgerStore> {
  try {
    await driver.migrate();
  } catch (error) {
    await driver.close().catch(() => {});
    throw error;
  }
  const stats: WriterStats = { written: 0, failedWrites: 0, dropped: 0 };
  const writers = new Set<RecordWriter>();
  let closed = false;
  const write = async (records: readonly LlmRunRecord[]) => {
    if (closed) throw new Error("the store is closed");
    if (records.length > 0) await driver.upsert(oneRecordPerRun(records));
  };
  const flushAll = () => Promise.all([...writers].map((w) => w.flush())).then(() => undefined);
  // Before a process with queued records exits on its own, one more write (not on `process.exit()` or a signal).
  let exitTried = false;
  const onBeforeExit = () => {
    if (exitTried || ![...writers].some((w) => w.queued > 0)) return;
    exitTried = true;
    void flushAll();
  };

  const store: LedgerStore = {
    write,
    attach(handler: RecordSource, options?: AttachOptions) {
      if (closed) throw new Error("the store is closed");
      const resolved = writerOptions(options, driver.batchSize);
      const writer = new RecordWriter((records) => write(records), resolved, stats);
      if (writers.size === 0) process.on("beforeExit", onBeforeExit);
      writers.add(writer);
      const stop = handler.onRecord(
        (record) => {
          exitTried = false;
          return writer.push(record);
        },
        { wait: resolved.durability === "sync" },
      );
      let detached: Promise<void> | undefined;
      return () => {
        detached ??= (async () => {
          stop();
          await writer.close();
          writers.delete(writer);
          if (writers.size === 0) process.off("beforeExit", onBeforeExit);
        })();
        return detached;
      };
    },
    flush: flushAll,
    async usage(query: UsageQuery = {}) {
      const statement = usageStatement(query);
      return toUsageRows(await driver.all(statement.sql, statement.params), query.by);
    },
    async runs(query: RunsQuery) {
      const lookup = runsLookup(query);
      const read = (statement: SqlStatement) => driver.all(statement.sql, statement.params);
      if (lookup.column === "root_run_id") return toRecords(await read(runsStatement(lookup)));
      // A user's or thread's runs, day by day from the newest, until the limit is reached.
      const records: LlmRunRecord[] = [];
      let day = await newestDay(read);
      while (day !== undefined && records.length < lookup.limit) {
        records.push(...toRecords(await read(runsStatement({ ...lookup, limit: lookup.limit - records.length }, day))));
        day = await newestDay(read, day);
      }
      return records;
    },
    stats() {
      return { ...stats, queued: [...writers].reduce((sum, w) => sum + w.queued, 0) };
    },
    async close() {
      if (closed) return;
      await Promise.all([...writers].map((w) => w.close()));
      writers.clear();
      process.off("beforeExit", onBeforeExit);
      closed = true;
      await driver.close();
    },
  };
  return store;
}

/** The newest day with runs, before `before` when given. */
async function newestDay(read: (statement: SqlStatement) => Promise<Record<string, unknown>[]>, before?: string) {
  const day = (await read(dayBeforeStatement(before)))[0]?.day;
  return typeof day === "string" ? day : undefined;
}
