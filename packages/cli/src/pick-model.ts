import { DEFAULT_MODEL, ENCODING_NAMES, type EncodingName, loadEncoding, resolveModel } from "@tokenledger/core";
import { CliError } from "./cli-error.js";
import { warn } from "./cli-output.js";

/** The options of every command that counts with a model or an encoding (`pickModel` reads them). */
export const MODEL_OPTIONS = {
  model: { type: "string" },
  encoding: { type: "string" },
  strict: { type: "boolean" },
  json: { type: "boolean" },
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

/** Open-weight encodings (llama3, ...) load their data on demand, from their npm package; a missing package is one line. */
export async function loadPicked(encoding: EncodingName): Promise<void> {
  await loadEncoding(encoding).catch((error: unknown) => {
    throw new CliError(error instanceof Error ? error.message : String(error));
  });
}

function checkEncoding(name: string): EncodingName {
  if (!(ENCODING_NAMES as readonly string[]).includes(name))
    throw new CliError(`unknown encoding "${name}"; one of ${ENCODING_NAMES.join(", ")}`, 2);
  return name as EncodingName;
}
