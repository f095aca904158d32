import { describe, expect, it } from "vitest";
import { compilePricing } from "./compile-pricing.js";
import { findPrice } from "./find-price.js";
import { lookupModel } from "./lookup-model.js";
import { resolveModel } from "./resolve-model.js";

const table = new Map([
  ["gpt-4", "gpt-4"],
  ["gpt-4o", "gpt-4o"],
  ["gpt-4o-mini", "gpt-4o-mini"],
  ["claude-opus-4", "claude-opus-4"],
  ["My-Custom Name", "as given"],
]);

describe("lookupModel, the one lookup behind limits and prices", () => {
  it("takes the name as given, else its normalised name or that name's longest listed prefix", () => {
    expect(lookupModel(table, "My-Custom Name")).toBe("as given");
    expect(lookupModel(table, "openrouter/openai/GPT-4o")).toBe("gpt-4o");
    expect(lookupModel(table, "gpt-4o-mini-2024-07-18")).toBe("gpt-4o-mini");
    expect(lookupModel(table, "ft:gpt-4o-2024-08-06:acme::x")).toBe("gpt-4o");
  });

  it("never crosses a word or a version: gpt-4 is not gpt-4o's prefix, claude-opus-4-5 is not claude-opus-4", () => {
    expect(lookupModel(new Map([["gpt-4", 1]]), "gpt-4o")).toBeUndefined();
    expect(lookupModel(table, "claude-opus-4-5")).toBeUndefined();
    expect(lookupModel(table, "claude-opus-4-20250514")).toBe("claude-opus-4");
  });

  it("gives limits and prices from the same entry for every spelling of a model", () => {
    const prices = compilePricing();
    for (const name of [
      "gpt-4o-2024-08-06",
      "openrouter/openai/gpt-4o",
      "anthropic/claude-sonnet-4.5",
      "google/gemini-2.5-flash",
      "llama-3.3-70b-versatile",
    ]) {
      expect(resolveModel(name).contextWindow, name).toBeGreaterThan(0);
      expect(findPrice(prices, name), name).toBeDefined();
    }
    for (const name of ["claude-opus-4-9", "gpt-4omni"]) {
      expect(resolveModel(name).contextWindow, name).toBeUndefined();
      expect(findPrice(prices, name), name).toBeUndefined();
    }
  });
});
