import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";

// Runs over the built package (`pnpm --filter @tokenledger/core build` first): each entry is a
// bundle of its own, so only the built files show whether they share one model registry.
const require = createRequire(import.meta.url);
type Main = typeof import("./index.js");
type Internal = typeof import("./internal.js");

// Through a variable, so that TypeScript does not look for the package's own built types.
const load = (specifier: string): Promise<unknown> => import(specifier);
const builds = {
  esm: async () => [(await load("@tokenledger/core")) as Main, (await load("@tokenledger/core/internal")) as Internal] as const,
  cjs: async () => [require("@tokenledger/core") as Main, require("@tokenledger/core/internal") as Internal] as const,
};

describe("@tokenledger/core/internal shares the main entry's state", () => {
  for (const [format, load] of Object.entries(builds)) {
    it(`${format}: resetModelRegistry from /internal removes a model registered through the main entry`, async () => {
      const [main, internal] = await load();
      const price = { input_cost_per_token: 3e-6, output_cost_per_token: 4e-6 };
      main.registerModel({ match: "internal-entry-model", encoding: "cl100k_base", contextWindow: 1234, price });
      expect(main.resolveModel("internal-entry-model").contextWindow).toBe(1234);
      // The internal bundle's own price lookup sees the main bundle's registration.
      expect(internal.findPrice(internal.compilePricing(), "internal-entry-model")).toEqual({
        input: 3_000_000n,
        cachedInput: 3_000_000n,
        output: 4_000_000n,
      });
      internal.resetModelRegistry();
      expect(main.resolveModel("internal-entry-model").known).toBe(false);
      expect(internal.findPrice(internal.compilePricing(), "internal-entry-model")).toBeUndefined();
    });
  }

  it("esm and cjs builds share it too", async () => {
    const [esm] = await builds.esm();
    const [cjs, cjsInternal] = await builds.cjs();
    esm.setFallbackEncoding("p50k_base");
    expect(cjs.resolveModel("nobody-knows-this-model").encoding).toBe("p50k_base");
    cjsInternal.resetModelRegistry();
    expect(esm.resolveModel("nobody-knows-this-model").encoding).toBe("o200k_base");
  });

  it("exports the names sibling packages use", async () => {
    const [, internal] = await builds.esm();
    expect(Object.keys(internal).sort()).toEqual(
      expect.arrayContaining(["MAX_USD_PER_TOKEN", "compilePricing", "costInPico", "findPrice", "picoToUsd", "resetModelRegistry"]),
    );
    expect(internal.MAX_USD_PER_TOKEN).toBe(1);
  });
});
