import { longestPrefix } from "./longest-prefix.js";
import { normalizeModelName } from "./normalize-model-name.js";

/**
 * The one model lookup behind limits, encodings' limits and prices: the entry of `model` as
 * given, else of its normalised name (`normalizeModelName`) or that name's longest listed
 * prefix (`longestPrefix`: `gpt-4o-mini-2024-07-18` -> `gpt-4o-mini`, never `gpt-4`).
 *
 * @example
 * ```ts
 * lookupModel(new Map([["gpt-4o", 1]]), "openrouter/openai/gpt-4o-2024-08-06"); // 1
 * ```
 */
export function lookupModel<T>(table: ReadonlyMap<string, T>, model: string): T | undefined {
  const exact = table.get(model);
  if (exact !== undefined) return exact;
  const key = longestPrefix(table.keys(), normalizeModelName(model));
  return key === undefined ? undefined : table.get(key);
}
