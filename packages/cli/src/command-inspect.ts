import { type EncodingName, getEncoder } from "@tokenledger/core";
import { CliError } from "./cli-error.js";
import { colour, json, out, plural } from "./cli-output.js";
import type { Command } from "./command.js";
import { escapeControls } from "./escape-controls.js";
import { loadPicked, MODEL_OPTIONS, pickModel } from "./pick-model.js";
import { INSPECT_MAX_BYTES, readInput, tooLarge } from "./read-input.js";
import { showBytes } from "./show-bytes.js";

export const inspect: Command = {
  name: "inspect",
  usage: "inspect TEXT | - | --file F [--model M | --encoding E] [--allow-approximate] [--compare] [--json]",
  summary: "how text splits into tokens, with ids (partial characters as <0xE4 0xBD>)",
  options: { ...MODEL_OPTIONS, file: { type: "string" }, compare: { type: "boolean" } },
  async run(values, args) {
    if (values.file !== undefined && args.length) throw new CliError("inspect takes TEXT or --file F, not both", 2);
    const text = await inspected(values.file, args);
    if (!text) throw new CliError("inspect needs TEXT, - (stdin) or --file F", 2);
    const picked: EncodingName[] = values.compare ? ["o200k_base", "cl100k_base"] : [pickModel(values).encoding];
    const encodings: EncodingName[] = [];
    for (const encoding of picked)
      encodings.push((await loadPicked(encoding, values.encoding ?? values.model ?? encoding, values["allow-approximate"])).encoding);
    const views = encodings.map((encoding) => {
      const encoder = getEncoder(encoding);
      const ids = encoder.encode(text);
      const tokens = ids.map((id) => {
        const decoded = encoder.decode([id]);
        const shown = showBytes(encoder.tokenBytes(id)!);
        return shown === decoded ? { id, text: decoded } : { id, text: decoded, shown };
      });
      return { encoding, count: ids.length, tokens };
    });
    if (values.json) return json(values.compare ? views : views[0]);
    for (const view of views) {
      out(
        `${view.encoding}: ${plural(view.count, "token")}, ${([...text].length / Math.max(1, view.count)).toFixed(2)} characters per token`,
      );
      out(view.tokens.map((t, i) => mark(t.shown ?? t.text, t.id, i)).join(colour() ? "" : " "));
    }
  },
};

/** The text to inspect: `--file F`, stdin for `-`, or the arguments; at most INSPECT_MAX_BYTES of any. */
async function inspected(file: string | undefined, args: string[]): Promise<string> {
  const read = { limit: INSPECT_MAX_BYTES, command: "inspect" };
  if (file !== undefined) return readInput(file, read);
  if (args.length === 1 && args[0] === "-") return readInput("-", read);
  const text = args.join(" ");
  if (Buffer.byteLength(text) > INSPECT_MAX_BYTES) throw tooLarge("TEXT", "inspect", INSPECT_MAX_BYTES);
  return text;
}

function mark(text: string, id: number, index: number): string {
  const shown = escapeControls(text);
  if (!colour()) return `[${shown}|${id}]`;
  const background = [44, 42, 45, 43][index % 4];
  return `\x1b[${background};30m${shown}\x1b[0m\x1b[2m${id}\x1b[0m`;
}
