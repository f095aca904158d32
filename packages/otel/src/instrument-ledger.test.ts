import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { recordOneRun, setup } from "./instrument-ledger.test-helper.js";

const packageJson = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { name: string; version: string };

describe("instrumentLedger's meter", () => {
  it("is named after the package, with the version of its package.json", async () => {
    const { ledger, collect } = setup();
    recordOneRun(ledger);
    const scopes = (await collect()).scopeMetrics.map((s) => ({ name: s.scope.name, version: s.scope.version }));
    expect(scopes).toEqual([{ name: "@tokenledger/otel", version: packageJson.version }]);
    expect(packageJson.name).toBe("@tokenledger/otel");
  });
});
