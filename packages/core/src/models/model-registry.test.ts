import { describe, expect, it } from "vitest";
import { registerModel, resetModelRegistry } from "./model-registry.js";
import { resolveModel } from "./resolve-model.js";

describe("registerModel limits", () => {
  it("rejects a negative, fractional or non-finite window or output limit with one clear error", () => {
    for (const bad of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, "8192" as never]) {
      expect(() => registerModel({ match: "x", contextWindow: bad })).toThrow(/contextWindow must be a whole number of tokens >= 0/);
      expect(() => registerModel({ match: "x", maxOutputTokens: bad })).toThrow(/maxOutputTokens must be a whole number of tokens >= 0/);
    }
    expect(resolveModel("x").known).toBe(false);
    registerModel({ match: "x", contextWindow: 0, maxOutputTokens: 0 });
    expect(resolveModel("x").contextWindow).toBe(0);
    resetModelRegistry();
  });
});
