import type { RankTable } from "./rank-table.js";

/**
 * The bytes of each token of a tiktoken-style encoding (not a copy), or `undefined` for an id
 * outside it: a rank's bytes from the rank table, a special token's its name's UTF-8.
 */
export function rankTokenBytes(table: RankTable, specialTokens: Record<string, number>): (id: number) => Uint8Array | undefined {
  const utf8 = new TextEncoder();
  const specialBytes = new Map<number, Uint8Array>();
  for (const [text, id] of Object.entries(specialTokens)) specialBytes.set(id, utf8.encode(text));
  return (id) => {
    const special = specialBytes.get(id);
    if (special) return special;
    if (Number.isInteger(id) && id >= 0 && id < table.size && table.offsets[id + 1]! > table.offsets[id]!) {
      return table.bytes.subarray(table.offsets[id]!, table.offsets[id + 1]!);
    }
    return undefined;
  };
}
