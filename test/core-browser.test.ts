import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const require = createRequire(import.meta.url);

/** The published ESM build is the browser/edge build: it must not reach for Node's built-ins. */
describe("@tokenledger/core outside Node", () => {
  it("imports no node: module and no Node built-in", () => {
    const dist = join(require.resolve("@tokenledger/core/package.json"), "..", "dist", "index.js");
    const code = readFileSync(dist, "utf8");
    const imports = [...code.matchAll(/(?:from\s*|import\s*\(\s*|require\s*\(\s*)["']([^"']+)["']/g)].map((m) => m[1]);
    expect(imports.length).toBeGreaterThan(0);
    expect(imports.filter((name) => name!.startsWith("node:") || ["fs", "path", "os", "crypto", "buffer", "util"].includes(name!))).toEqual(
      [],
    );
    expect(code).not.toMatch(/\bprocess\.|\bBuffer\./);
  });
});
