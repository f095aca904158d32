// The flags both chat examples take (trim-history, summary-memory): --model, --max-context, --turns
// and --json. A leading "--" (`pnpm demo -- --json` passes it through) is dropped. A bad value ends
// the process with one usage line on stderr and exit code 2.
import { parseArgs } from "node:util";

/**
 * @param {{ maxContext: number, minContext: number, turns: number, maxTurns: number, usageNote?: string }} defaults
 * @returns {{ model: string, maxContext: number, turns: number, json: boolean }}
 */
export function parseChatFlags({ maxContext, minContext, turns, maxTurns, usageNote = "" }, argv = process.argv.slice(2)) {
  const { values } = parseArgs({
    args: argv[0] === "--" ? argv.slice(1) : argv,
    options: {
      model: { type: "string", default: "gpt-4o-mini" },
      "max-context": { type: "string", default: String(maxContext) },
      turns: { type: "string", default: String(turns) },
      json: { type: "boolean", default: false },
    },
  });
  const flags = { model: values.model, maxContext: Number(values["max-context"]), turns: Number(values.turns), json: values.json };
  const { maxContext: context, turns: count } = flags;
  if (!Number.isInteger(context) || context < minContext || !Number.isInteger(count) || count < 1 || count > maxTurns) {
    console.error(`usage: main.mjs [--model M] [--max-context N>=${minContext}] [--turns 1..${maxTurns}] [--json]${usageNote}`);
    process.exit(2);
  }
  return flags;
}
