// Plain-terminal output: colour only on a TTY (and never with NO_COLOR), so a log file stays clean.
const useColour = process.stdout.isTTY && !process.env.NO_COLOR;
const paint = (code, text) => (useColour ? `\x1b[${code}m${text}\x1b[0m` : text);
export const dim = (text) => paint(2, text);
export const bold = (text) => paint(1, text);

const COLUMNS = [
  ["turn", (r) => r.turn],
  ["calls", (r) => r.calls],
  ["sent/stored", (r) => `${r.sent}/${r.stored}`],
  ["context", (r) => r.contextTokens],
  ["prompt", (r) => r.promptTokens],
  ["input", (r) => r.inputTokens],
  ["output", (r) => r.outputTokens],
  ["total", (r) => r.totalTokens],
  ["source", (r) => r.source],
  ["estimate/reported", (r) => `${r.estimated ?? "-"}/${r.reported ?? "-"}`],
  ["window", (r) => `${(r.windowUse * 100).toFixed(0)}%`],
];
const WIDTHS = COLUMNS.map(([name]) => Math.max(name.length, 9));

/** One line that says what the columns mean. */
export const legend = () =>
  dim(
    "context: tokens before the newest user message; prompt: the turn's last call's prompt (the chart's bar); input/output/total: all the turn's calls; source: provider = the API's usage; estimate/reported: tokenledger's count of that prompt / the API's; window: prompt / window",
  );

export const header = () => bold(COLUMNS.map(([name], i) => name.padStart(WIDTHS[i])).join(" "));
export const row = (r) => COLUMNS.map(([, get], i) => String(get(r)).padStart(WIDTHS[i])).join(" ");

export function totalsBlock(ledger) {
  const t = ledger.totals();
  const money = (usd) => (usd === undefined ? "unknown" : `$${usd.toFixed(6)}`);
  const lines = [
    bold("Totals"),
    `  calls ${t.calls}, errors ${t.errors}, input ${t.inputTokens}, output ${t.outputTokens}, total ${t.totalTokens}, context ${t.contextTokens}, cost ${money(t.costUsd)}`,
    bold("By model"),
    ...Object.entries(ledger.totalsByModel()).map(
      ([model, m]) => `  ${model}: ${m.calls} calls, ${m.totalTokens} tokens, ${money(m.costUsd)}`,
    ),
  ];
  return lines.join("\n");
}

/** Each turn's last prompt (the table's prompt column) as a bar, against the prompt budget (|). */
export function chart(rows, budget, width = 50) {
  const max = Math.max(budget, ...rows.map((r) => r.promptTokens));
  const scale = (n) => Math.round((n / max) * width);
  const mark = scale(budget);
  const lines = rows.map((r) => {
    const bar = "#".repeat(scale(r.promptTokens)).padEnd(width, " ").split("");
    bar[mark] = bar[mark] === "#" ? "!" : "|";
    return `${String(r.turn).padStart(4)} ${bar.join("")} ${r.promptTokens}`;
  });
  return [bold(`Prompt tokens of each turn's last call (| = budget of ${budget})`), ...lines].join("\n");
}
