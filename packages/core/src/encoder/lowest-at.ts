/** What a pair that does not merge holds in a merge's array of ranks or priorities. */
export const NONE = 0x7fffffff;

/**
 * The index of the lowest of `values[0..count)` below `NONE`, the leftmost on ties, or -1: the
 * next merge of a scan merge (lowest rank first, leftmost on ties, as tiktoken and Hugging Face
 * merge).
 */
export function lowestAt(values: Int32Array, count: number): number {
  let best = NONE;
  let at = -1;
  for (let i = 0; i < count; i++) {
    if (values[i]! < best) {
      best = values[i]!;
      at = i;
    }
  }
  return at;
}
