import { describe, expect, it } from "vitest";
import { CL100K_SPECS, O200K_SPECS } from "../openai-encodings/index.js";
import { parseRanks } from "./parse-ranks.js";
import { buildRankTable, hashKey, lookupRank } from "./rank-table.js";

describe.each([
  ["o200k_base", O200K_SPECS.o200k_base],
  ["cl100k_base", CL100K_SPECS.cl100k_base],
] as const)("%s rank table", (_name, spec) => {
  const { bytes, offsets } = parseRanks(spec.ranks.bpe_ranks);
  const table = buildRankTable(bytes, offsets);
  const tokenBytes = (rank: number) => bytes.subarray(offsets[rank]!, offsets[rank + 1]!);

  it("finds every token by its bytes (the filter hides none)", () => {
    let wrong = 0;
    for (let rank = 0; rank < table.size; rank++) {
      if (offsets[rank + 1] === offsets[rank]) continue;
      const key = tokenBytes(rank);
      if (lookupRank(table, key, 0, key.length) !== rank) wrong++;
    }
    expect(wrong).toBe(0);
  });

  it("lets few keys that are no token past the filter, and finds none of them", () => {
    // Every token with its last byte changed to one that makes it no token: keys as near to tokens as keys get.
    let passed = 0;
    let keys = 0;
    for (let rank = 0; rank < table.size; rank += 7) {
      const key = Uint8Array.from(tokenBytes(rank));
      if (key.length < 2) continue;
      key[key.length - 1] = 0xff; // 0xff is in no UTF-8 text and ends no token of these vocabularies
      expect(lookupRank(table, key, 0, key.length)).toBe(-1);
      const bit = hashKey(key, 0, key.length) >>> table.filterShift;
      if ((table.filter[bit >>> 5]! & (1 << (bit & 31))) !== 0) passed++;
      keys++;
    }
    expect(keys).toBeGreaterThan(10_000);
    expect(passed / keys).toBeLessThan(0.15);
  });
});
