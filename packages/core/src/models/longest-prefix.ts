/** A rest of "-5" or "-5-sonnet": a version number of its own, not a dated snapshot or a size. */
const ANOTHER_VERSION = /^-\d{1,2}(?=-|\.|$)/;

/**
 * The longest of `keys` that names `name`: the name itself, or a prefix of it that ends
 * where a "-" starts the rest (`gpt-4o-mini-2024-07-18` -> `gpt-4o-mini`, never `gpt-4`).
 * A key that itself ends with "-" (tiktoken's prefix table) matches every name it starts.
 * A rest that starts with a one- or two-digit number is another version, not a snapshot of
 * the key's model: `claude-opus-4-5` is not `claude-opus-4`, `grok-4-1-fast` not `grok-4`; dates
 * and snapshot numbers (`-20250514`, `-0613`, `-2024-08-06`) are four digits or more.
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
    if (
      name === key ||
      (key.endsWith("-") ? name.startsWith(key) : name.startsWith(`${key}-`) && !ANOTHER_VERSION.test(name.slice(key.length)))
    ) {
      best = key;
    }
  }
  return best;
}
