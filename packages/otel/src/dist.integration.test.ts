import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { recordOneRun, setup } from "./instrument-ledger.test-helper.js";

const require = createRequire(import.meta.url);
const packageJson = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { name: string; version: string };

/** The instrumentation scope a built entry reports for one recorded call. */
async function scopeOf(instrumentLedger: typeof import("./index.js").instrumentLedger) {
  const { ledger, collect } = setup({}, instrumentLedger);
  recordOneRun(ledger);
  return (await collect()).scopeMetrics.map((s) => ({ name: s.scope.name, version: s.scope.version }));
}

/** The built dist, as users import it: the scope's version is the package.json's, in ESM and CommonJS. */
describe("@tokenledger/otel as published", () => {
  it("reports its package.json name and version as the meter's scope, imported as ESM", async () => {
    const { instrumentLedger } = await import("@tokenledger/otel");
    expect(await scopeOf(instrumentLedger)).toEqual([{ name: packageJson.name, version: packageJson.version }]);
  });

  it("does the same required as CommonJS", async () => {
    const { instrumentLedger } = require("@tokenledger/otel") as typeof import("./index.js");
    expect(await scopeOf(instrumentLedger)).toEqual([{ name: packageJson.name, version: packageJson.version }]);
  });
});
