import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";

const require = createRequire(import.meta.url);

/** What users install: the built dist through the package's exports map, ESM and CJS. */
describe("@tokenledger/core as published", () => {
  it("imports as ESM through the exports map", async () => {
    const core = await import("@tokenledger/core");
    expect(core.countTokens("人工智能")).toBe(2);
    expect(core.countMessages([{ role: "user", content: "Hello" }], { model: "gpt-4o" }).total).toBe(8);
    expect(core.resolveModel("gpt-4").encoding).toBe("cl100k_base");
  });

  it("requires as CommonJS through the exports map", () => {
    const core = require("@tokenledger/core");
    expect(core.getEncoder("o200k_base").encode("hello world")).toEqual([24912, 2375]);
    expect(new core.TokenTracker("gpt-4o").isOpenAI).toBe(true);
  });

  it("resolves every provider's names from the generated catalog, ESM and CJS alike", async () => {
    const esm = await import("@tokenledger/core");
    const cjs = require("@tokenledger/core");
    for (const core of [esm, cjs]) {
      expect(core.MODEL_CATALOG_SOURCE).toMatch(/models\.dev.*generated \d{4}-\d{2}-\d{2}/);
      expect(core.resolveModel("anthropic.claude-3-5-sonnet-20240620-v1:0")).toMatchObject({ known: true, contextWindow: 200_000 });
      expect(core.resolveModel("GPT-4o").contextWindow).toBe(128_000);
      expect(core.resolveModel("llama3.1:8b").known).toBe(true);
    }
  });

  it("loads and counts in a fresh Node process", () => {
    const out = execFileSync(
      process.execPath,
      ["-e", 'const c=require("@tokenledger/core"); process.stdout.write(String(c.countTokens("hello world")))'],
      {
        cwd: new URL(".", import.meta.url),
        encoding: "utf8",
      },
    );
    expect(out).toBe("2");
  });
});
