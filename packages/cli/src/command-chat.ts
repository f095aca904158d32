import { countMessages, resolveModel } from "@tokenledger/core";
import { CliError } from "./cli-error.js";
import { json, out } from "./cli-output.js";
import type { Command } from "./command.js";
import { escapeControls } from "./escape-controls.js";
import { parseJson } from "./parse-json.js";
import { loadPicked, pickModel } from "./pick-model.js";
import { CHAT_MAX_BYTES, readInput } from "./read-input.js";

export const chat: Command = {
  name: "chat",
  usage: "chat FILE.json | - [--model M] [--allow-approximate] [--strict] [--json]",
  summary: "a Chat Completions body or messages array: per message, tools, total (--model overrides the body's)",
  options: { model: { type: "string" }, strict: { type: "boolean" }, json: { type: "boolean" }, "allow-approximate": { type: "boolean" } },
  async run(values, args) {
    const [file, extra] = args;
    if (!file) throw new CliError("chat needs a FILE.json (or - for stdin)", 2);
    if (extra !== undefined) throw new CliError(`chat takes one file, not also "${extra}"`, 2);
    const body = parseJson(await readInput(file, { limit: CHAT_MAX_BYTES, command: "chat" }), file === "-" ? "stdin" : file) as
      | { messages?: unknown; tools?: unknown; model?: unknown }
      | unknown[]
      | null;
    const messages = Array.isArray(body) ? body : body?.messages;
    if (!Array.isArray(messages)) throw new CliError(`${file}: expected a messages array or a Chat Completions body with "messages"`);
    const tools = Array.isArray(body) ? [] : Array.isArray(body?.tools) ? body.tools : [];
    const bodyModel = !Array.isArray(body) && typeof body?.model === "string" ? body.model : undefined;
    const { model } = pickModel({ model: values.model ?? bodyModel, strict: values.strict });
    const name = model!;
    const shownName = escapeControls(name);
    // Without the data (--allow-approximate), countMessages itself counts with the fallback, flagged approximate.
    await loadPicked(resolveModel(name).encoding, name, values["allow-approximate"]);
    const result = countMessages(messages as never, { model: name, tools: tools as never });
    const window = resolveModel(name).contextWindow;
    const summary = { model: name, ...result, contextWindow: window ?? null, fits: window === undefined ? null : result.total <= window };
    if (values.json) return json(summary);
    result.perMessage.forEach((tokens, i) => {
      const m = messages[i] as { role?: unknown } | null;
      out(`${String(i + 1).padStart(4)}  ${escapeControls(String(m?.role ?? "?")).padEnd(10)} ${String(tokens).padStart(8)}`);
    });
    out(`      tools      ${String(result.tools).padStart(8)}`);
    out(`      priming    ${String(result.replyPriming).padStart(8)}`);
    out(`      total      ${String(result.total).padStart(8)}${result.approximate ? "  (approximate)" : ""}`);
    out(
      window === undefined
        ? `${shownName}: context window unknown`
        : `${summary.fits ? "fits" : "does NOT fit"} in ${shownName}'s ${window.toLocaleString("en")}-token window`,
    );
  },
};
