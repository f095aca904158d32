import { createReadStream, statSync } from "node:fs";
import { getEncoder, inputCostUsd, resolveModel } from "@tokenledger/core";
import { looksBinary } from "./binary-check.js";
import { CliError, cannotRead } from "./cli-error.js";
import { json, out, plural, warn } from "./cli-output.js";
import type { Command } from "./command.js";
import { countStream, MAX_HELD } from "./count-stream.js";
import { escapeControls } from "./escape-controls.js";
import { type Input, listInputs } from "./list-inputs.js";
import { loadPicked, MODEL_OPTIONS, modelIsApproximate, pickModel } from "./pick-model.js";

const CHUNK_BYTES = 1 << 20;
const PROGRESS_MIN_BYTES = 4 << 20;

export const count: Command = {
  name: "count",
  usage: "count [FILE... | -] [--model M | --encoding E] [--allow-approximate] [--strict] [--json]",
  summary: "tokens per file and in total (folders recurse, honour .gitignore; - is stdin)",
  options: MODEL_OPTIONS,
  async run(values, args) {
    const picked = pickModel(values);
    const { model } = picked;
    const loaded = await loadPicked(picked.encoding, values.encoding ?? model ?? picked.encoding, values["allow-approximate"]);
    const { encoding } = loaded;
    const encoder = getEncoder(encoding);
    // Every count is approximate when the library flags the model's (closed tokenizer, unknown name, missing data),
    // unless --encoding asked for another encoding, whose count is exact.
    const approximateModel = loaded.fallback || (model !== undefined && values.encoding === undefined && modelIsApproximate(model));
    const inputs: Input[] = [];
    for (const arg of args.length ? args : ["-"]) {
      if (arg === "-") inputs.push({ path: "-", kind: "stream" });
      else inputs.push(...(await listInputs(arg).catch((error: unknown) => Promise.reject(cannotRead(arg, error)))));
    }
    const rows = [];
    for (const input of inputs) {
      const name = escapeControls(input.path === "-" ? "stdin" : input.path);
      const stream = input.path === "-" ? process.stdin : createReadStream(input.path, { highWaterMark: CHUNK_BYTES });
      const progress = progressFor(input);
      const counted = await countStream(stream, encoder, {
        onProgress: progress?.update,
        checkHead: (head) => {
          if (looksBinary(head)) throw new CliError(`${name}: binary (a NUL byte in its first 8 KB), not counted`);
        },
      })
        .catch((error: unknown) => Promise.reject(cannotRead(name, error)))
        .finally(() => {
          progress?.end();
          if (input.path !== "-") stream.destroy();
        });
      if (counted.approximate)
        warn(
          `${name}: over ${MAX_HELD.toLocaleString("en")} characters with no token boundary; cut there anyway, so its count is approximate`,
        );
      if (approximateModel) counted.approximate = true;
      rows.push({ file: input.path, ...counted, tokensPerCharacter: counted.characters ? counted.tokens / counted.characters : 0 });
    }
    const tokens = rows.reduce((s, r) => s + r.tokens, 0);
    const window = model === undefined ? undefined : resolveModel(model).contextWindow;
    const summary = {
      model: model ?? null,
      encoding,
      files: rows,
      total: { tokens, characters: rows.reduce((s, r) => s + r.characters, 0), bytes: rows.reduce((s, r) => s + r.bytes, 0) },
      approximate: approximateModel || rows.some((r) => r.approximate),
      contextWindow: window ?? null,
      windowUse: window ? tokens / window : null,
      inputCostUsd: (model === undefined ? undefined : inputCostUsd(model, tokens)) ?? null,
    };
    if (values.json) return json(summary);
    // Names as a terminal may show them: a newline or an escape sequence in a name is printed escaped.
    const shown = rows.map((r) => escapeControls(r.file));
    const width = Math.max(5, ...shown.map((name) => name.length));
    const fmt = (n: number, approximate = false) => `${approximate ? "~" : ""}${n.toLocaleString("en")}`.padStart(10);
    out(`${"file".padEnd(width)}  ${"tokens".padStart(10)}  ${"chars".padStart(10)}  ${"bytes".padStart(10)}  tok/char`);
    for (const [i, r] of rows.entries())
      out(
        `${shown[i]!.padEnd(width)}  ${fmt(r.tokens, r.approximate)}  ${fmt(r.characters)}  ${fmt(r.bytes)}  ${r.tokensPerCharacter.toFixed(3)}`,
      );
    if (rows.length > 1)
      out(`${"total".padEnd(width)}  ${fmt(tokens, summary.approximate)}  ${fmt(summary.total.characters)}  ${fmt(summary.total.bytes)}`);
    const use = window
      ? `; ${((tokens / window) * 100).toFixed(1)}% of ${escapeControls(model!)}'s ${window.toLocaleString("en")}-token window`
      : "";
    const cost = summary.inputCostUsd === null ? "" : `; $${summary.inputCostUsd.toFixed(6)} as input`;
    out(`${summary.approximate ? "~" : ""}${plural(tokens, "token")} (${encoding})${use}${cost}`);
  },
};

/** A progress line on stderr when it is a terminal: a bar for files over 4 MB, megabytes read for streams. */
function progressFor(input: Input): { update: (bytes: number) => void; end: () => void } | undefined {
  if (!process.stderr.isTTY) return undefined;
  const name = escapeControls(input.path === "-" ? "stdin" : input.path);
  const size = input.kind === "file" ? (statSync(input.path, { throwIfNoEntry: false })?.size ?? 0) : undefined;
  if (size !== undefined && size < PROGRESS_MIN_BYTES) return undefined;
  let next = PROGRESS_MIN_BYTES;
  let shown = false;
  return {
    update(bytes) {
      if (bytes < next && bytes !== size) return;
      next = bytes + PROGRESS_MIN_BYTES / 4;
      shown = true;
      const done = size === undefined ? undefined : Math.min(1, bytes / size);
      process.stderr.write(
        done === undefined
          ? `\r${name}: ${(bytes / 2 ** 20).toFixed(0)} MB read`
          : `\r${name} [${"#".repeat(Math.round(done * 30)).padEnd(30)}] ${(done * 100).toFixed(0)}%`,
      );
    },
    end() {
      if (shown) process.stderr.write("\n");
    },
  };
}
