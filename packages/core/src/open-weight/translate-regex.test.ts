import { describe, expect, it } from "vitest";
import { translateRegex } from "./translate-regex.js";

describe("translateRegex", () => {
  it("spells (?i:...) contractions in both cases", () => {
    expect(translateRegex("(?i:'s|'ll)|x")).toBe("(?:'[sS]|'[lL][lL])|x");
  });

  it("makes \\s and \\S mean Unicode White_Space, also inside classes", () => {
    expect(translateRegex("[^\\s\\p{L}]+|\\s+(?!\\S)")).toBe("[^\\p{White_Space}\\p{L}]+|\\p{White_Space}+(?!\\P{White_Space})");
    expect(new RegExp(translateRegex("\\s"), "u").test("\u0085")).toBe(true);
    expect(new RegExp(translateRegex("\\s"), "u").test("\ufeff")).toBe(false);
  });
});
