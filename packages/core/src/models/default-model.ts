/**
 * The model every counter, the tracker, the trimmer and the CLI assume when none is named.
 *
 * @example
 * ```ts
 * resolveModel(DEFAULT_MODEL).encoding; // "o200k_base"
 * ```
 */
export const DEFAULT_MODEL = "gpt-4o";
