import { readFileSync, statSync } from "node:fs";
import { parseArgs } from "node:util";
import {
  countMessages,
  DEFAULT_MODEL,
  DEFAULT_PRICING,
  ENCODING_NAMES,
  type EncodingName,
  getEncoder,
  inputCostUsd,
  loadEncoding,
  MODEL_LIMITS,
  MODEL_TABLE_SOURCE,
  PRICING_SOURCE,
  resolveModel,
} from "@tokenledger/core";
import { countStream, openFile } from "./count-stream.js";
import { listInputs } from "./list-inputs.js";
import { CliError, parseJson } from "./parse-json.js";
import { servePlayground } from "./serve-playground.js";

const USAGE = `usage: tokenledger <command> [options]

  count [FILE... | -] [--model M | --encoding E]   tokens per file and in total (folders recurse, honour .gitignore)
  chat FILE.json [--model M]                      a Chat Completions body or messages array: per message, tools, total
  inspect TEXT | --file F [--model M] [--compare] how text splits into tokens, with ids
  models                                          the model table: encoding, context window, max output, price
  playground [--port N]                           a local page that shows tokens for several models at once

  --json     one JSON document on stdout        --strict   an unknown model is an error, not a warning
  --help     this text`;

const PROGRESS_MIN_BYTES = 4 << 20;
const out = (line = ""): void => {
  process.stdout.write(`${line}\n`);
};
const warn = (line: string) => process.stderr.write(`tokenledger: ${line}\n`);
const colour = process.stdout.isTTY && !process.env.NO_COLOR;

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      model: { type: "string" },
      encoding: { type: "string" },
      file: { type: "string" },
      json: { type: "boolean", default: false },
      strict: { type: "boolean", default: false },
      compare: { type: "boolean", default: false },
      help: { type: "boolean", default: false },
      port: { type: "string", default: "4321" },
    },
  });
  const [command, ...args] = positionals;
  if (values.help || !command) {
    out(USAGE);
    return;
  }
  const model = pickModel(values.model, values.strict);
  const encoding = pickEncoding(values.encoding, model);
  // Open-weight encodings (llama3, ...) load their data on demand, from their npm package.
  await loadEncoding(encoding).catch((error: Error) => {
    throw new CliError(error.message);
  });
  if (command === "count") return count(args.length ? args : ["-"], model, encoding, values.json);
  if (command === "chat") return chat(args[0], model, values.json);
  if (command === "inspect") return inspect(values.file ? readText(values.file) : args.join(" "), model, values.compare, values.json);
  if (command === "models") return models(values.json);
  if (command === "playground") {
    const url = await servePlayground(Number(values.port)).catch((error: NodeJS.ErrnoException) => {
      throw new CliError(`cannot listen on 127.0.0.1:${values.port}: ${error.code ?? error.message}`);
    });
    out(`tokenledger playground: ${url} (Ctrl-C to stop; counting happens in your browser, nothing is sent anywhere)`);
    return;
  }
  throw new CliError(`unknown command "${command}"; see tokenledger --help`, 2);
}

function pickModel(name: string | undefined, strict: boolean): string {
  const model = name ?? DEFAULT_MODEL;
  const info = resolveModel(model);
  if (!info.known) {
    if (strict) throw new CliError(`unknown model "${model}" (--strict)`);
    warn(`unknown model "${model}": counting with ${info.encoding}`);
  }
  return model;
}

function pickEncoding(name: string | undefined, model: string): EncodingName {
  if (name === undefined) return resolveModel(model).encoding;
  if (!(ENCODING_NAMES as readonly string[]).includes(name))
    throw new CliError(`unknown encoding "${name}"; one of ${ENCODING_NAMES.join(", ")}`, 2);
  return name as EncodingName;
}

function cannotRead(path: string, error: unknown): CliError {
  return new CliError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
}

function readText(path: string): string {
  try {
    return readFileSync(path === "-" ? 0 : path, "utf8");
  } catch (error) {
    throw cannotRead(path, error);
  }
}

async function count(args: string[], model: string, encoding: EncodingName, json: boolean): Promise<void> {
  const encoder = getEncoder(encoding);
  const files: string[] = [];
  for (const arg of args) {
    try {
      files.push(...(arg === "-" ? ["-"] : listInputs(arg)));
    } catch (error) {
      throw cannotRead(arg, error);
    }
  }
  const rows = [];
  for (const file of files) {
    const stream = file === "-" ? process.stdin : openFile(file);
    const counted = await countStream(stream, encoder, progressFor(file)).catch((error: unknown) => {
      throw cannotRead(file, error);
    });
    rows.push({ file, ...counted, tokensPerCharacter: counted.characters ? counted.tokens / counted.characters : 0 });
  }
  const tokens = rows.reduce((s, r) => s + r.tokens, 0);
  const info = resolveModel(model);
  const summary = {
    model,
    encoding,
    files: rows,
    total: { tokens, characters: rows.reduce((s, r) => s + r.characters, 0), bytes: rows.reduce((s, r) => s + r.bytes, 0) },
    contextWindow: info.contextWindow ?? null,
    windowUse: info.contextWindow ? tokens / info.contextWindow : null,
    inputCostUsd: inputCostUsd(model, tokens) ?? null,
  };
  if (json) {
    out(JSON.stringify(summary, null, 2));
    return;
  }
  const width = Math.max(5, ...rows.map((r) => r.file.length));
  out(`${"file".padEnd(width)}  ${"tokens".padStart(10)}  ${"chars".padStart(10)}  ${"bytes".padStart(10)}  tok/char`);
  for (const r of rows)
    out(`${r.file.padEnd(width)}  ${fmt(r.tokens)}  ${fmt(r.characters)}  ${fmt(r.bytes)}  ${r.tokensPerCharacter.toFixed(3)}`);
  if (rows.length > 1) out(`${"total".padEnd(width)}  ${fmt(tokens)}  ${fmt(summary.total.characters)}  ${fmt(summary.total.bytes)}`);
  const window = info.contextWindow
    ? `; ${(summary.windowUse! * 100).toFixed(1)}% of ${model}'s ${info.contextWindow.toLocaleString("en")}-token window`
    : "";
  const cost = summary.inputCostUsd === null ? "" : `; $${summary.inputCostUsd.toFixed(6)} as input`;
  out(`${tokens.toLocaleString("en")} tokens (${encoding})${window}${cost}`);
}

const fmt = (n: number) => n.toLocaleString("en").padStart(10);

function progressFor(file: string): (bytes: number) => void {
  if (!process.stderr.isTTY || file === "-") return () => {};
  const size = statSync(file, { throwIfNoEntry: false })?.size ?? 0;
  if (size < PROGRESS_MIN_BYTES) return () => {};
  return (bytes) => {
    const done = Math.min(1, bytes / size);
    process.stderr.write(
      `\r${file} [${"#".repeat(Math.round(done * 30)).padEnd(30)}] ${(done * 100).toFixed(0)}%${done === 1 ? "\n" : ""}`,
    );
  };
}

function chat(file: string | undefined, model: string, json: boolean): void {
  if (!file) throw new CliError("chat needs a FILE.json (or - for stdin)", 2);
  const body = parseJson(readText(file), file) as { messages?: unknown; tools?: unknown; model?: string } | unknown[];
  const messages = Array.isArray(body) ? body : body?.messages;
  if (!Array.isArray(messages)) throw new CliError(`${file}: expected a messages array or a Chat Completions body with "messages"`);
  const tools = Array.isArray(body) ? [] : Array.isArray(body?.tools) ? body.tools : [];
  const name = Array.isArray(body) || typeof body?.model !== "string" ? model : body.model;
  const result = countMessages(messages as never, { model: name, tools: tools as never });
  const window = resolveModel(name).contextWindow;
  const summary = { model: name, ...result, contextWindow: window ?? null, fits: window === undefined ? null : result.total <= window };
  if (json) {
    out(JSON.stringify(summary, null, 2));
    return;
  }
  result.perMessage.forEach((tokens, i) => {
    const m = messages[i] as { role?: unknown } | null;
    out(`${String(i + 1).padStart(4)}  ${String(m?.role ?? "?").padEnd(10)} ${String(tokens).padStart(8)}`);
  });
  out(`      tools      ${String(result.tools).padStart(8)}`);
  out(`      priming    ${String(result.replyPriming).padStart(8)}`);
  out(`      total      ${String(result.total).padStart(8)}${result.approximate ? "  (approximate)" : ""}`);
  out(
    window === undefined
      ? `${name}: context window unknown`
      : `${summary.fits ? "fits" : "does NOT fit"} in ${name}'s ${window.toLocaleString("en")}-token window`,
  );
}

function inspect(text: string, model: string, compare: boolean, json: boolean): void {
  if (!text) throw new CliError("inspect needs TEXT or --file F", 2);
  const encodings: EncodingName[] = compare ? ["o200k_base", "cl100k_base"] : [resolveModel(model).encoding];
  const views = encodings.map((encoding) => {
    const encoder = getEncoder(encoding);
    const ids = encoder.encode(text);
    return { encoding, count: ids.length, tokens: ids.map((id) => ({ id, text: encoder.decode([id]) })) };
  });
  if (json) {
    out(JSON.stringify(compare ? views : views[0], null, 2));
    return;
  }
  for (const view of views) {
    out(`${view.encoding}: ${view.count} tokens, ${(text.length / Math.max(1, view.count)).toFixed(2)} characters per token`);
    out(view.tokens.map((t, i) => mark(t.text, t.id, i)).join(colour ? "" : " "));
  }
}

function mark(text: string, id: number, index: number): string {
  const shown = text.replace(/\n/g, "\\n").replace(/\uFFFD/g, "?");
  if (!colour) return `[${shown}|${id}]`;
  const background = [44, 42, 45, 43][index % 4];
  return `\x1b[${background};30m${shown}\x1b[0m\x1b[2m${id}\x1b[0m`;
}

function models(json: boolean): void {
  const rows = Object.entries(MODEL_LIMITS).map(([model, limits]) => ({
    model,
    encoding: resolveModel(model).encoding,
    contextWindow: limits.contextWindow ?? null,
    maxOutputTokens: limits.maxOutputTokens ?? null,
    inputUsdPerMillion: DEFAULT_PRICING[model] ? DEFAULT_PRICING[model].input_cost_per_token * 1e6 : null,
    outputUsdPerMillion: DEFAULT_PRICING[model] ? DEFAULT_PRICING[model].output_cost_per_token * 1e6 : null,
  }));
  if (json) {
    out(JSON.stringify({ models: rows, limitsSource: MODEL_TABLE_SOURCE, pricingSource: PRICING_SOURCE }, null, 2));
    return;
  }
  out(
    `${"model".padEnd(26)}${"encoding".padEnd(14)}${"window".padStart(11)}${"max out".padStart(10)}${"$/M in".padStart(9)}${"$/M out".padStart(9)}`,
  );
  for (const r of rows) {
    const usd = (v: number | null) => (v === null ? "-" : Number(v.toPrecision(4)).toString()).padStart(9);
    out(
      `${r.model.padEnd(26)}${r.encoding.padEnd(14)}${String(r.contextWindow ?? "-").padStart(11)}${String(r.maxOutputTokens ?? "-").padStart(10)}${usd(r.inputUsdPerMillion)}${usd(r.outputUsdPerMillion)}`,
    );
  }
  out(`\nlimits: ${MODEL_TABLE_SOURCE}\nprices: ${PRICING_SOURCE}`);
}

// A reader that stops early (`| head`) is not an error.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(0);
});

main(process.argv.slice(2)).catch((error: unknown) => {
  const known = error instanceof CliError;
  const code = known ? error.exitCode : (error as { code?: string })?.code?.startsWith("ERR_PARSE_ARGS") ? 2 : 1;
  process.stderr.write(`tokenledger: ${(error as Error)?.message ?? error}\n`);
  process.exitCode = code;
});
