import { describe, expect, it } from "vitest";
import { modelNames } from "./record-attributes.js";
import { OTHER_MODEL } from "./semconv.js";

describe("modelNames", () => {
  it("caps names outside the catalog per attribute; catalog names always pass", () => {
    const names = modelNames(2);
    expect(["a", "b", "c", "gpt-4o-tenant-1", "a"].map(names.request)).toEqual(["a", "b", OTHER_MODEL, OTHER_MODEL, "a"]);
    expect(["gpt-4o-mini", "openai/gpt-4o", "gpt-4o-mini-2024-07-18"].map(names.request)).toEqual([
      "gpt-4o-mini",
      "openai/gpt-4o",
      "gpt-4o-mini-2024-07-18",
    ]);
    // The response attribute has its own cap: request names did not use it up.
    expect(["x", "y", "z"].map(names.response)).toEqual(["x", "y", OTHER_MODEL]);
  });
});
