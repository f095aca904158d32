/**
 * One fold at a time per key: `run` waits for the runs queued before it under the same key, so
 * concurrent reads of one conversation share its fold (the later ones find it done). A key's
 * entry is removed when its last run ends: the map holds only keys with runs in flight.
 *
 * @example
 * ```ts
 * const queue = new FoldQueue();
 * await Promise.all([queue.run("user-42", fold), queue.run("user-42", fold)]); // one after the other
 * ```
 */
export class FoldQueue {
  readonly #tails = new Map<unknown, Promise<void>>();

  async run<T>(key: unknown, task: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key);
    let release!: () => void;
    const done = new Promise<void>((resolve) => {
      release = resolve;
    });
    const tail = previous ? previous.then(() => done) : done;
    this.#tails.set(key, tail);
    try {
      if (previous) await previous;
      return await task();
    } finally {
      release();
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    }
  }

  /** Keys with a run in flight or waiting. */
  get size(): number {
    return this.#tails.size;
  }
}
