import { longestPrefix, snapshotOf } from "./longest-prefix.js";
import { normalizeModelName } from "./normalize-model-name.js";

/**
 * The one model lookup behind limits, encodings' limits and prices: the entry of `model` as
 * given, else of its normalised name (`normalizeModelName`), else of the listed model that name is
 * a dated snapshot or alias of (`snapshotOf`: `gpt-4o-mini-2024-07-18` -> `gpt-4o-mini`, never
 * `gpt-4`; `o1-mini` never `o1`). Keys for which `isUserPrefix` is true are names a user gave
 * (a `pricing` option's): like `registerModel`'s `match`, they are prefixes and also answer for a
 * longer name (`my-model` -> `my-model-v2`), but never across a word or a version (`longestPrefix`).
 *
 * @example
 * ```ts
 * lookupModel(new Map([["gpt-4o", 1]]), "openrouter/openai/gpt-4o-2024-08-06"); // 1
 * ```
 */
export function lookupModel<T>(table: ReadonlyMap<string, T>, model: string, isUserPrefix?: (key: string) => boolean): T | undefined {
  const exact = table.get(model);
  if (exact !== undefined) return exact;
  const name = normalizeModelName(model);
  const own = table.get(name);
  if (own !== undefined) return own;
  const key = snapshotOf(table.keys(), name) ?? (isUserPrefix && longestPrefix([...table.keys()].filter(isUserPrefix), name));
  return key ? table.get(key) : undefined;
}
