/** A binary min-heap of numbers (exact up to 2^53). */
export class KeyHeap {
  size = 0;
  private readonly keys: Float64Array;

  /** Room for `capacity` keys. */
  constructor(capacity: number) {
    this.keys = new Float64Array(capacity);
  }

  /** Appends without ordering; call `heapify` before the first `pop`. */
  add(key: number): void {
    this.keys[this.size++] = key;
  }

  heapify(): void {
    for (let i = (this.size >> 1) - 1; i >= 0; i--) this.siftDown(i, this.keys[i]!);
  }

  push(key: number): void {
    const { keys } = this;
    let i = this.size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (keys[parent]! <= key) break;
      keys[i] = keys[parent]!;
      i = parent;
    }
    keys[i] = key;
  }

  /** Removes and returns the smallest key. */
  pop(): number {
    const top = this.keys[0]!;
    const last = --this.size;
    if (last > 0) this.siftDown(0, this.keys[last]!);
    return top;
  }

  private siftDown(from: number, key: number): void {
    const { keys, size } = this;
    let i = from;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= size) break;
      if (child + 1 < size && keys[child + 1]! < keys[child]!) child++;
      if (keys[child]! >= key) break;
      keys[i] = keys[child]!;
      i = child;
    }
    keys[i] = key;
  }
}
