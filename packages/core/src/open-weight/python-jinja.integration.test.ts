// Token counts of the Python Jinja2 renders (loads every family's vocabulary, hence integration).
import { describe, expect, it } from "vitest";
import { getEncoder } from "../loader/index.js";
import { PYTHON_RENDERS, renderWithCore } from "./python-jinja.test-helper.js";
import { loadReference } from "./reference-tokenizer.test-helper.js";

const FAMILIES = [...new Set(PYTHON_RENDERS.map((f) => f.family))];

describe.each(FAMILIES)("%s: counts of core's render against @huggingface/tokenizers over Python's render", (family) => {
  it("gives the server's token count for every fixture", () => {
    const reference = loadReference(family);
    const encoder = getEncoder(family);
    for (const fixture of PYTHON_RENDERS.filter((f) => f.family === family)) {
      const expected = reference.ids(fixture.rendered);
      expect(encoder.encode(renderWithCore(fixture)), `${family}: ${fixture.name}`).toEqual(expected);
    }
  }, 300_000);
});
