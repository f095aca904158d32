import { Template } from "@huggingface/jinja";
import { describe, expect, it } from "vitest";
import { asPythonJinja } from "./python-jinja-source.js";

// Expected outputs are what Python's Jinja 3 prints for these templates (jinja2.Template(...).render).
const messages = [
  { role: "user" },
  { role: "assistant", tool_calls: [{ id: "x" }] },
  { role: "tool" },
  { role: "assistant", tool_calls: null },
];

describe("asPythonJinja", () => {
  it("selects and rejects missing attributes as Python's Jinja does", () => {
    const select = '{% for m in messages | selectattr("tool_calls", "undefined") %}{{ m.role }},{% endfor %}';
    const reject = "{% for m in messages | rejectattr('tool_calls', 'undefined') %}{{ m.role }},{% endfor %}";
    expect(new Template(asPythonJinja(select)).render({ messages })).toBe("user,tool,");
    expect(new Template(asPythonJinja(reject)).render({ messages })).toBe("assistant,assistant,");
  });

  it("leaves every other filter as written", () => {
    const source = '{{ m | selectattr("role", "equalto", "user") | rejectattr("x") | selectattr("undefined") }}';
    expect(asPythonJinja(source)).toBe(source);
  });
});
