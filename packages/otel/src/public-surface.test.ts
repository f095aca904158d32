import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import * as api from "./index.js";

const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
const apiSection = readme.slice(readme.indexOf("\n## API\n"), readme.indexOf("\n## ", readme.indexOf("\n## API\n") + 1));

describe("the public surface of @tokenledger/otel", () => {
  it("exports at run time exactly what the README's API table documents, and documents its one type", () => {
    const runtime = ["DURATION_BUCKETS", "OTHER_MODEL", "TOKEN_BUCKETS", "instrumentLedger"];
    expect(Object.keys(api).sort()).toEqual(runtime);
    const options: api.InstrumentOptions = {};
    expect(options).toEqual({});
    expect([...runtime, "InstrumentOptions"].filter((name) => !apiSection.includes(`\`${name}`))).toEqual([]);
  });
});
