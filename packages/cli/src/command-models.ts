import { DEFAULT_PRICING, MODEL_LIMITS, MODEL_TABLE_SOURCE, PRICING_SOURCE, resolveModel } from "@tokenledger/core";
import { CliError } from "./cli-error.js";
import { json, out } from "./cli-output.js";
import type { Command } from "./command.js";

export const models: Command = {
  name: "models",
  usage: "models [--json]",
  summary: "the model table: encoding, context window, max output, price",
  options: { json: { type: "boolean" } },
  run(values, args) {
    if (args.length) throw new CliError(`models takes no arguments, not "${args[0]}"`, 2);
    const rows = Object.entries(MODEL_LIMITS).map(([model, limits]) => ({
      model,
      encoding: resolveModel(model).encoding,
      contextWindow: limits.contextWindow ?? null,
      maxOutputTokens: limits.maxOutputTokens ?? null,
      inputUsdPerMillion: DEFAULT_PRICING[model] ? DEFAULT_PRICING[model].input_cost_per_token * 1e6 : null,
      outputUsdPerMillion: DEFAULT_PRICING[model] ? DEFAULT_PRICING[model].output_cost_per_token * 1e6 : null,
    }));
    if (values.json) return json({ models: rows, limitsSource: MODEL_TABLE_SOURCE, pricingSource: PRICING_SOURCE });
    out(
      `${"model".padEnd(26)}${"encoding".padEnd(14)}${"window".padStart(11)}${"max out".padStart(10)}${"$/M in".padStart(9)}${"$/M out".padStart(9)}`,
    );
    const usd = (v: number | null) => (v === null ? "-" : Number(v.toPrecision(4)).toString()).padStart(9);
    for (const r of rows)
      out(
        `${r.model.padEnd(26)}${r.encoding.padEnd(14)}${String(r.contextWindow ?? "-").padStart(11)}${String(r.maxOutputTokens ?? "-").padStart(10)}${usd(r.inputUsdPerMillion)}${usd(r.outputUsdPerMillion)}`,
      );
    out(`\nlimits: ${MODEL_TABLE_SOURCE}\nprices: ${PRICING_SOURCE}`);
  },
};
