/**
 * A `Map` that holds at most `limit` entries: setting a key past it evicts the oldest
 * entries (insertion order). `setNewest` re-inserts a key, so that eviction takes the least
 * recently used one instead. A fractional limit is rounded down; an infinite, NaN or negative
 * one throws, so no map is left unbounded by accident.
 *
 * @example
 * ```ts
 * const threads = new BoundedMap<string, string>(2);
 * threads.set("a", "1").set("b", "2").setNewest("a", "1").set("c", "3");
 * [...threads.keys()]; // ["a", "c"]: "b" was the least recently used
 * ```
 */
export class BoundedMap<K, V> extends Map<K, V> {
  readonly limit: number;

  constructor(limit: number) {
    super();
    if (!Number.isFinite(limit) || limit < 0) throw new RangeError(`BoundedMap: the limit must be a finite number >= 0, got ${limit}`);
    this.limit = Math.floor(limit);
  }

  override set(key: K, value: V): this {
    super.set(key, value);
    for (const oldest of this.keys()) {
      if (this.size <= this.limit) break;
      this.delete(oldest);
    }
    return this;
  }

  /** Sets `key` as the newest entry, moving it past every other. */
  setNewest(key: K, value: V): this {
    this.delete(key);
    return this.set(key, value);
  }
}
