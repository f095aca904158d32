import { Template } from "@huggingface/jinja";
import { describe, expect, it } from "vitest";
import { PythonNumber, parsePythonJson, pythonFloatRepr, pythonStrip, renderAsPython } from "./python-jinja.js";
import { PYTHON_RENDERS, renderWithCore } from "./python-jinja.test-helper.js";

describe("renderAsPython: chat templates rendered as Python's Jinja2 renders them", () => {
  it("renders every family's conversations as Python's Jinja2 did (fixtures from scripts/render-template-fixtures.py)", () => {
    expect(new Set(PYTHON_RENDERS.map((f) => f.family))).toEqual(
      new Set(["llama3", "llama3_1", "qwen3", "deepseek_v3", "gemma3", "mistral_nemo"]),
    );
    for (const fixture of PYTHON_RENDERS) {
      expect(renderWithCore(fixture), `${fixture.family}: ${fixture.name}`).toBe(fixture.rendered);
    }
  });

  it("trims and strips as Python's str.strip: U+001C-U+001F and U+0085 are space, U+FEFF is not; an argument is the set to strip", () => {
    const render = (source: string, x: unknown) => renderAsPython(new Template(source), { x });
    expect(render("[{{ x | trim }}]", "\u001c\u0085\u00a0 a \u001f")).toBe("[a]");
    expect(render("[{{ x | trim }}]", "\ufeffa\ufeff")).toBe("[\ufeffa\ufeff]");
    expect(render("[{{ x.strip() }}|{{ x.lstrip() }}|{{ x.rstrip() }}]", "\u001e a \u001e")).toBe("[a|a \u001e|\u001e a]");
    expect(render("[{{ x.lstrip('\\n') }}|{{ x.rstrip('\\n') }}|{{ x.strip('\\n') }}]", "\n\n a \n")).toBe("[ a \n|\n\n a | a ]");
    expect(render("[{{ x.strip('😀b') }}]", "😀ba😀b")).toBe("[a]");
    expect(render("{{ x | length }}", "a😀")).toBe("2");
  });

  it("writes tojson as transformers' json.dumps does: floats, big integers, key order, indent, no escaping of non-ASCII", () => {
    const args = parsePythonJson('{"b": 1.0, "a": [-0.0, 1e100, 12345678901234567890, 1e16, 0.00001], "2": "é\\ud800", "1": null}');
    const render = (source: string) => renderAsPython(new Template(source), { x: args });
    expect(render("{{ x | tojson }}")).toBe(
      '{"b": 1.0, "a": [-0.0, 1e+100, 12345678901234567890, 1e+16, 1e-05], "2": "é\ud800", "1": null}',
    );
    expect(render("{{ x | tojson(indent=2) }}")).toBe(
      '{\n  "b": 1.0,\n  "a": [\n    -0.0,\n    1e+100,\n    12345678901234567890,\n    1e+16,\n    1e-05\n  ],\n  "2": "é\ud800",\n  "1": null\n}',
    );
    expect(renderAsPython(new Template("{{ x | tojson }}"), { x: { n: 1, f: 1.5, big: 1e21, e: [], o: {} } })).toBe(
      '{"n": 1, "f": 1.5, "big": 1e+21, "e": [], "o": {}}',
    );
    expect(renderAsPython(new Template("{{ x | tojson(ensure_ascii=true, sort_keys=true) }}"), { x: { é: "中", a: 1 } })).toBe(
      '{"a": 1, "\\u00e9": "\\u4e2d"}',
    );
  });

  it("writes floats as Python's repr", () => {
    const cases: Array<[number, string]> = [
      [1, "1.0"],
      [-0, "-0.0"],
      [0, "0.0"],
      [1e100, "1e+100"],
      [1e16, "1e+16"],
      [1e15, "1000000000000000.0"],
      [1.2345678901234568e17, "1.2345678901234568e+17"],
      [0.0001, "0.0001"],
      [0.00001, "1e-05"],
      [-2.5e-7, "-2.5e-07"],
      [0.1, "0.1"],
      [1.5, "1.5"],
      [Number.POSITIVE_INFINITY, "Infinity"],
      [Number.NaN, "NaN"],
    ];
    for (const [x, repr] of cases) expect(pythonFloatRepr(x)).toBe(repr);
  });

  it("parses JSON as Python's json.loads: numbers keep their Python text, objects their key order; bad JSON throws", () => {
    const parsed = parsePythonJson(' { "2" : [1.0, -0, 12345678901234567890, "x\\"y"], "1": {}, "2": true } ') as Map<string, unknown>;
    expect([...parsed.keys()]).toEqual(["2", "1"]);
    expect(parsed.get("2")).toBe(true);
    const list = (parsePythonJson('[1.0, -0, 12345678901234567890, "x\\"y", false]') as unknown[]).map((x) =>
      x instanceof PythonNumber ? x.text : x,
    );
    expect(list).toEqual(["1.0", "0", "12345678901234567890", 'x"y', false]);
    expect(() => parsePythonJson("{bad")).toThrow(SyntaxError);
    expect(pythonStrip("\u2003a\u3000", undefined, true, true)).toBe("a");
  });
});
