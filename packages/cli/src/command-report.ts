import type { UsageDimension, UsageRow } from "@tokenledger/store";
import { printBudgets } from "./budget-report.js";
import { CliError } from "./cli-error.js";
import { json, out } from "./cli-output.js";
import type { Command } from "./command.js";
import { openStore, parseTime, redact, usd } from "./open-store.js";

const DIMENSIONS: UsageDimension[] = ["model", "user", "tenant", "thread", "day", "trace"];
const CHART_WIDTH = 40;
const MAX_CHART_DAYS = 366;

export const report: Command = {
  name: "report",
  usage: "report --store FILE|postgres://... [--by user,model] [--since 24h] [--until T] [--budgets] [--json]",
  summary: `usage stored by a ledger: tokens, cost, calls and errors per group (--by ${DIMENSIONS.join(",")}), totals, and tokens per day as a chart; --budgets: the budgets instead (used, reserved, limit, remaining, reset time)`,
  options: {
    store: { type: "string" },
    by: { type: "string" },
    since: { type: "string" },
    until: { type: "string" },
    json: { type: "boolean" },
    budgets: { type: "boolean" },
  },
  async run(values, args) {
    if (args.length > 0) throw new CliError(`report takes no arguments, not "${args.join(" ")}"`, 2);
    if (values.budgets) {
      for (const option of ["by", "since", "until"])
        if (values[option] !== undefined) throw new CliError(`--budgets shows the budgets as they are now: it takes no --${option}`, 2);
      return printBudgets(values.store as string | undefined, { json: values.json === true });
    }
    const by = parseBy(values.by as string | undefined);
    const now = Date.now();
    const since = values.since === undefined ? undefined : parseTime(String(values.since), "--since", now);
    const until = values.until === undefined ? undefined : parseTime(String(values.until), "--until", now);
    const store = await openStore(values.store as string | undefined);
    try {
      const range = { ...(since === undefined ? {} : { since }), ...(until === undefined ? {} : { until }) };
      const [rows, days, totals] = await Promise.all([
        store.usage({ by, ...range }),
        store.usage({ by: ["day"], ...range }),
        store.usage(range),
      ]);
      const total = totals[0] ?? { calls: 0, errors: 0, inputTokens: 0, outputTokens: 0, totalTokens: 0, costUsd: 0, unpricedCalls: 0 };
      if (values.json)
        return json({
          store: redact(String(values.store ?? process.env.TOKENLEDGER_STORE)),
          by,
          since: since === undefined ? null : new Date(since).toISOString(),
          until: until === undefined ? null : new Date(until).toISOString(),
          rows,
          days,
          totals: total,
        });
      printTable(rows, by, total);
      printChart(days);
    } finally {
      await store.close();
    }
  },
};

function parseBy(text: string | undefined): UsageDimension[] {
  if (text === undefined) return ["model"];
  const by = text
    .split(",")
    .map((d) => d.trim())
    .filter((d) => d !== "");
  for (const d of by)
    if (!DIMENSIONS.includes(d as UsageDimension))
      throw new CliError(`--by takes ${DIMENSIONS.join(", ")} (comma-separated), not "${d}"`, 2);
  if (by.length === 0) throw new CliError(`--by takes ${DIMENSIONS.join(", ")} (comma-separated)`, 2);
  return by as UsageDimension[];
}

const n = (v: number) => v.toLocaleString("en");

function printTable(rows: UsageRow[], by: UsageDimension[], total: UsageRow): void {
  const head = [...by, "calls", "errors", "input", "output", "total", "cost"];
  const cells = (r: UsageRow, keys: string[]) => [
    ...keys,
    n(r.calls),
    n(r.errors),
    n(r.inputTokens),
    n(r.outputTokens),
    n(r.totalTokens),
    r.unpricedCalls === r.calls ? "-*" : usd(r.costUsd) + (r.unpricedCalls > 0 ? "*" : ""),
  ];
  const body = rows.map((r) =>
    cells(
      r,
      by.map((d) => r[d] ?? "-"),
    ),
  );
  const foot = cells(
    total,
    by.map((_, i) => (i === 0 ? "total" : "")),
  );
  const widths = head.map((h, i) => Math.max(h.length, ...[...body, foot].map((row) => (row[i] ?? "").length)));
  const line = (row: string[]) =>
    row
      .map((c, i) => (i < by.length ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  out(line(head));
  for (const row of body) out(line(row));
  out(line(widths.map((w) => "-".repeat(w))));
  out(line(foot));
  if (rows.length === 0) out("\nno runs stored in this range");
  if (total.unpricedCalls > 0)
    out(`\n* ${n(total.unpricedCalls)} call${total.unpricedCalls === 1 ? " has" : "s have"} no price (unknown model): not in the cost`);
}

/** Total tokens per UTC day, every day from the first to the last (empty days too), as bars. */
function printChart(days: UsageRow[]): void {
  if (days.length === 0) return;
  const byDay = new Map(days.map((d) => [d.day as string, d]));
  const first = Date.parse(`${days[0]?.day}T00:00:00Z`);
  const last = Date.parse(`${days.at(-1)?.day}T00:00:00Z`);
  const all: string[] = [];
  for (let t = Math.max(first, last - (MAX_CHART_DAYS - 1) * 86_400_000); t <= last; t += 86_400_000)
    all.push(new Date(t).toISOString().slice(0, 10));
  const max = Math.max(...days.map((d) => d.totalTokens), 1);
  out("\ntokens per day (UTC)");
  for (const day of all) {
    const tokens = byDay.get(day)?.totalTokens ?? 0;
    const bar = "#".repeat(Math.round((tokens / max) * CHART_WIDTH)) || (tokens > 0 ? "." : "");
    out(`${day}  ${bar.padEnd(CHART_WIDTH)}  ${n(tokens)}`);
  }
}
