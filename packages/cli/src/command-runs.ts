import type { LlmRunRecord, RunsQuery } from "@tokenledger/store";
import { CliError } from "./cli-error.js";
import { json, out } from "./cli-output.js";
import type { Command } from "./command.js";
import { openStore, usd } from "./open-store.js";

export const runs: Command = {
  name: "runs",
  usage: "runs --store FILE|postgres://... --trace ID | --user ID | --thread ID [--limit N] [--json]",
  summary: "the stored runs of one trace, user or thread, newest first: model, status, tokens, cost, flags (--json: the whole records)",
  options: {
    store: { type: "string" },
    trace: { type: "string" },
    user: { type: "string" },
    thread: { type: "string" },
    limit: { type: "string" },
    json: { type: "boolean" },
  },
  async run(values, args) {
    if (args.length > 0) throw new CliError(`runs takes no arguments, not "${args.join(" ")}"`, 2);
    const given = (["trace", "user", "thread"] as const).filter((k) => values[k] !== undefined);
    if (given.length !== 1) throw new CliError("runs takes exactly one of --trace, --user, --thread", 2);
    const key = given[0] as "trace" | "user" | "thread";
    const limit = values.limit === undefined ? 100 : Number(values.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) throw new CliError(`--limit takes 1..10000, not "${values.limit}"`, 2);
    const id = String(values[key]);
    const query = { ...(key === "trace" ? { traceId: id } : key === "user" ? { userId: id } : { threadId: id }), limit } as RunsQuery;
    const store = await openStore(values.store as string | undefined);
    try {
      const records = await store.runs(query);
      if (values.json) return json({ runs: records });
      if (records.length === 0) return out(`no runs stored for ${key} ${id}`);
      printRuns(records);
    } finally {
      await store.close();
    }
  },
};

function printRuns(records: LlmRunRecord[]): void {
  const head = ["started (UTC)", "model", "status", "input", "output", "cost", "ms", "user", "run", "flags"];
  const rows = records.map((r) => [
    new Date(r.startedAt).toISOString().replace("T", " ").slice(0, 23),
    r.model,
    r.status,
    r.inputTokens.toLocaleString("en"),
    r.outputTokens.toLocaleString("en"),
    r.costUsd === undefined ? "-" : usd(r.costUsd),
    String(r.durationMs),
    r.userId ?? "-",
    r.runId,
    r.flags.join(",") || "-",
  ]);
  const numeric = new Set([3, 4, 5, 6]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? "").length)));
  const line = (row: string[]) =>
    row
      .map((c, i) => (numeric.has(i) ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  out(line(head));
  for (const row of rows) out(line(row));
  const errors = records.filter((r) => r.status === "error");
  for (const r of errors) out(`error in ${r.runId}: ${r.error ?? "(no message)"}`);
}
