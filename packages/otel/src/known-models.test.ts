import { describe, expect, it } from "vitest";
import { isCatalogModel } from "./known-models.js";

describe("isCatalogModel", () => {
  it("takes the exact catalog name after normalisation, never a prefix", () => {
    for (const name of ["gpt-4o-mini", "gpt-4o-mini-2024-07-18", "openai/gpt-4o-mini", " GPT-4o ", "claude-3-5-sonnet-20240620"]) {
      expect(isCatalogModel(name)).toBe(true);
    }
    for (const name of ["gpt-4o-tenant-7", "gpt-4o-mini-customer-3", "claude-3-5-sonnet-x", "", "junk"]) {
      expect(isCatalogModel(name)).toBe(false);
    }
  });
});
