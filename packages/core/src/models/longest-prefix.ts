/** A rest of "-5" or "-5-sonnet": a version number of its own, not a dated snapshot or a size. */
const ANOTHER_VERSION = /^-\d{1,2}(?=-|\.|$)/;

/**
 * The longest of `keys` that names `name`: the name itself, or a prefix of it that ends
 * where a "-" starts the rest (`gpt-4o-mini-2024-07-18` -> `gpt-4o-mini`, never `gpt-4`).
 * A key that itself ends with "-" or "." (tiktoken's prefix table, `gpt-5.`) matches every name it starts.
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
      (key.endsWith("-") || key.endsWith(".")
        ? name.startsWith(key)
        : name.startsWith(`${key}-`) && !ANOTHER_VERSION.test(name.slice(key.length)))
    ) {
      best = key;
    }
  }
  return best;
}

/**
 * What may follow a listed model's name in a dated snapshot or an alias of that same model: a date
 * (`-2024-08-06`, `-20240620`), a snapshot number of three or four digits (`-0613`, `-1106`, `-001`),
 * optionally after an API version (Vertex's `claude-3-5-sonnet-v2@20241022`), or `-latest`.
 * Anything else (`-mini`, `-preview`, `-instruct`, `-16k`, `-1106-preview`) names another model.
 */
const SNAPSHOT_REST = /^(?:(?:-v\d+)?-(?:\d{4}-\d{2}-\d{2}|\d{8}|\d{3,4})|-latest)$/;

/**
 * The listed model whose limits and price `name` may take: `name` itself, else the longest of
 * `keys` of which `name` is a dated snapshot or an alias (`SNAPSHOT_REST`): `o1-mini-2024-09-12`
 * -> `o1-mini`, `gpt-4-0613` -> `gpt-4`, but `o1-mini` is never `o1` and `gpt-4-1106-preview` never
 * `gpt-4`: a name that is a model of its own does not borrow a shorter model's limits.
 *
 * @example
 * ```ts
 * snapshotOf(["gpt-4", "gpt-4-turbo"], "gpt-4-turbo-2024-04-09"); // "gpt-4-turbo"
 * snapshotOf(["o1"], "o1-mini"); // undefined
 * ```
 */
export function snapshotOf(keys: Iterable<string>, name: string): string | undefined {
  let best: string | undefined;
  for (const key of keys) {
    if (key === name) return key;
    if (best !== undefined && key.length <= best.length) continue;
    if (name.startsWith(key) && SNAPSHOT_REST.test(name.slice(key.length))) best = key;
  }
  return best;
}
