import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";

/** @tokenledger/otel as published: its dist through the exports map, ESM and CJS. */
describe("@tokenledger/otel as published", () => {
  it("imports as ESM and requires as CommonJS", async () => {
    const esm = await import("@tokenledger/otel");
    const cjs = createRequire(import.meta.url)("@tokenledger/otel");
    expect(esm.TOKEN_BUCKETS).toEqual(cjs.TOKEN_BUCKETS);
    expect(esm.TOKEN_BUCKETS.at(-1)).toBe(67_108_864);
    expect(typeof cjs.instrumentLedger).toBe("function");
  });
});
