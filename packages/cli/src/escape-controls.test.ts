import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { escapeControls } from "./escape-controls.js";

describe("escapeControls", () => {
  it("shows control characters, separators and bidi overrides as escapes", () => {
    expect(escapeControls("a\nb\r\tc")).toBe("a\\nb\\r\\tc");
    expect(escapeControls("\u001b[31mred\u001b[0m")).toBe("\\x1b[31mred\\x1b[0m");
    expect(escapeControls("\u0000\u007f\u009b")).toBe("\\x00\\x7f\\x9b");
    expect(escapeControls("evil\u202etxt.exe\u2028")).toBe("evil\\u202etxt.exe\\u2028");
    expect(escapeControls("\\!x.txt 人工智能 naïve 🙂")).toBe("\\!x.txt 人工智能 naïve 🙂");
  });

  it("leaves no control character in any string, and changes a string without them not at all", () => {
    // biome-ignore lint/suspicious/noControlCharactersInRegex: checking their absence.
    const controls = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (text) => {
        const shown = escapeControls(text);
        expect(shown).not.toMatch(controls);
        if (!controls.test(text)) expect(shown).toBe(text);
      }),
    );
  });
});
