import { createRequire } from "node:module";
import { parseArgs } from "node:util";
import { CliError } from "./cli-error.js";
import { out, warn } from "./cli-output.js";
import type { Command } from "./command.js";
import { chat } from "./command-chat.js";
import { count } from "./command-count.js";
import { inspect } from "./command-inspect.js";
import { models } from "./command-models.js";
import { playground } from "./command-playground.js";
import { report } from "./command-report.js";
import { runs } from "./command-runs.js";

const COMMANDS: Command[] = [count, chat, inspect, models, playground, report, runs];

const usage = () =>
  [
    "usage: tokenledger <command> [options]",
    "",
    ...COMMANDS.map((c) => `  ${c.usage}\n      ${c.summary}`),
    "",
    "  --json     one JSON document on stdout        --strict   an unknown model is an error, not a warning",
    "  --allow-approximate   count an open-weight model whose tokenizer package is not installed approximately, not fail",
    "  --help     this text (tokenledger COMMAND --help: that command's)        --version  the version",
  ].join("\n");

const version = (): string => (createRequire(import.meta.url)("../package.json") as { version: string }).version;

async function main(argv: string[]): Promise<void> {
  const first = argv[0];
  if (first === "--version" || first === "-V") return out(version());
  if (first === undefined || first === "--help" || first === "-h" || first === "help") return out(usage());
  const command = COMMANDS.find((c) => c.name === first);
  if (!command) {
    if (first.startsWith("-"))
      throw new CliError(`put options after the command: tokenledger <command> ${first}; see tokenledger --help`, 2);
    throw new CliError(`unknown command "${first}"; see tokenledger --help`, 2);
  }
  const { values, positionals } = parseCommandArgs(command, argv.slice(1));
  if (values.help) return out(`usage: tokenledger ${command.usage}\n  ${command.summary}`);
  await command.run(values, positionals);
}

function parseCommandArgs(command: Command, args: string[]) {
  try {
    return parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: { ...command.options, help: { type: "boolean", short: "h" } },
    });
  } catch (error) {
    const option = /'(-[^' ]*)/.exec((error as Error).message)?.[1];
    const code = (error as { code?: string }).code;
    if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION")
      throw new CliError(`${command.name} does not take ${option}; see tokenledger ${command.name} --help`, 2);
    if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE")
      throw new CliError(
        `${option ?? "an option"} ${/argument missing/.test((error as Error).message) ? "needs a value" : "takes no value"}`,
        2,
      );
    throw new CliError(oneLine((error as Error).message), 2);
  }
}

const oneLine = (text: string) => text.replace(/\s*\n\s*/g, " ").trim();

// A reader that stops early (`| head`) is not an error.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(0);
});

main(process.argv.slice(2)).catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  warn(oneLine(message));
  process.exitCode = error instanceof CliError ? error.exitCode : 1;
});
