import {
  type ChatFormat,
  DEFAULT_PRICING,
  MODEL_CATALOG_SOURCE,
  MODEL_LIMITS,
  MODEL_TABLE_SOURCE,
  normalizeModelName,
  PRICING_SOURCE,
  resolveModel,
} from "@tokenledger/core";
import { CliError } from "./cli-error.js";
import { json, out } from "./cli-output.js";
import type { Command } from "./command.js";

/** One line of `tokenledger models`. */
interface ModelRow {
  model: string;
  provider: string | null;
  contextWindow: number | null;
  maxOutputTokens: number | null;
  encoding: string;
  chatFormat: ChatFormat;
  /** Counted exactly: OpenAI's rules, or the model's own template (once its tokenizer package is installed). */
  exact: boolean;
  inputUsdPerMillion: number | null;
  outputUsdPerMillion: number | null;
  /** Where the window and max output come from. */
  source: string | null;
}

/** Chat formats whose counts are exact; `harmony` and `plain` are estimates (core flags them approximate). */
const EXACT_FORMATS: ReadonlySet<ChatFormat> = new Set(["openai", "openai-0301", "template"]);

export const models: Command = {
  name: "models",
  usage: "models [FILTER] [--json]",
  summary:
    "the model table (OpenAI's and the catalog's): window, max output, encoding, exact or approximate, price; FILTER keeps the names or providers that contain it",
  options: { json: { type: "boolean" } },
  run(values, args) {
    if (args.length > 1) throw new CliError(`models takes no arguments but one FILTER, not ${args.length}: "${args.join(" ")}"`, 2);
    const filter = args[0];
    const rows = filtered(allRows(), filter);
    // A filter that keeps nothing is a mistake worth an exit code (a typo, a provider the catalog does not list).
    if (filter !== undefined && rows.length === 0)
      throw new CliError(`models takes no arguments but a FILTER, and no model name or provider contains "${filter}"`, 2);
    const sources = { limitsSource: MODEL_TABLE_SOURCE, catalogSource: MODEL_CATALOG_SOURCE, pricingSource: PRICING_SOURCE };
    if (values.json) return json({ models: rows, ...sources });
    const width = Math.max(5, ...rows.map((r) => r.model.length)) + 2;
    const providerWidth = Math.max(8, ...rows.map((r) => (r.provider ?? "-").length)) + 2;
    const usd = (v: number | null) => (v === null ? "-" : Number(v.toPrecision(4)).toString()).padStart(9);
    const number = (v: number | null, pad: number) => (v === null ? "-" : String(v)).padStart(pad);
    out(
      `${"model".padEnd(width)}${"provider".padEnd(providerWidth)}${"window".padStart(9)}${"max out".padStart(9)}  ${"encoding".padEnd(14)}${"count".padEnd(7)}${"$/M in".padStart(9)}${"$/M out".padStart(9)}`,
    );
    for (const r of rows)
      out(
        `${r.model.padEnd(width)}${(r.provider ?? "-").padEnd(providerWidth)}${number(r.contextWindow, 9)}${number(r.maxOutputTokens, 9)}  ${r.encoding.padEnd(14)}${(r.exact ? "exact" : "approx").padEnd(7)}${usd(r.inputUsdPerMillion)}${usd(r.outputUsdPerMillion)}`,
      );
    out(`\n${rows.length} model${rows.length === 1 ? "" : "s"}; "exact" for open-weight models once their tokenizer package is installed`);
    out(`limits: ${MODEL_TABLE_SOURCE}; catalog: ${MODEL_CATALOG_SOURCE} (a provider's own numbers win where they differ)`);
    out(`prices: ${PRICING_SOURCE}`);
  },
};

/** Every model the table knows by name: OpenAI's dated table, then the catalog's priced models, by provider and name. */
function allRows(): ModelRow[] {
  const openai = Object.keys(MODEL_LIMITS);
  const others = Object.keys(DEFAULT_PRICING).filter((name) => !Object.hasOwn(MODEL_LIMITS, name));
  const rows = [...openai, ...others].map(rowOf);
  const tableOrder = new Map(openai.map((name, i) => [name, i]));
  return rows.sort(
    (a, b) =>
      (tableOrder.get(a.model) ?? openai.length) - (tableOrder.get(b.model) ?? openai.length) ||
      (a.provider ?? "~").localeCompare(b.provider ?? "~") ||
      a.model.localeCompare(b.model),
  );
}

function rowOf(model: string): ModelRow {
  const info = resolveModel(model);
  const price = DEFAULT_PRICING[model];
  return {
    model,
    provider: info.provider ?? null,
    contextWindow: info.contextWindow ?? null,
    maxOutputTokens: info.maxOutputTokens ?? null,
    encoding: info.encoding,
    chatFormat: info.chatFormat,
    exact: EXACT_FORMATS.has(info.chatFormat),
    inputUsdPerMillion: price ? price.input_cost_per_token * 1e6 : null,
    outputUsdPerMillion: price ? price.output_cost_per_token * 1e6 : null,
    source: info.source ?? null,
  };
}

/** The rows whose name or provider contains `filter` (case-insensitive; also as a normalised name: `anthropic/claude-3.5` finds `claude-3-5-*`). */
function filtered(rows: ModelRow[], filter: string | undefined): ModelRow[] {
  if (filter === undefined) return rows;
  const needles = [filter.trim().toLowerCase(), normalizeModelName(filter)].filter((n) => n !== "");
  return rows.filter((r) => needles.some((n) => r.model.includes(n) || (r.provider ?? "").includes(n)));
}
