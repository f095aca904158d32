/**
 * The longest of `keys` that names `name`: the name itself, or a prefix of it that ends
 * where a "-" starts the rest (`gpt-4o-mini-2024-07-18` -> `gpt-4o-mini`, never `gpt-4`).
 * A key that itself ends with "-" (tiktoken's prefix table) matches every name it starts.
 *
 * @example
 * ```ts
 * longestPrefix(["gpt-4", "gpt-4o", "gpt-4o-mini"], "gpt-4o-mini-2024-07-18"); // "gpt-4o-mini"
 * longestPrefix(["gpt-4"], "gpt-4o"); // undefined
 * ```
 */
export function longestPrefix(keys: Iterable<string>, name: string): string | undefined {
  let best: string | undefined;
  for (const key of keys) {
    if (best !== undefined && key.length <= best.length) continue;
    if (name === key || name.startsWith(key.endsWith("-") ? key : `${key}-`)) best = key;
  }
  return best;
}
