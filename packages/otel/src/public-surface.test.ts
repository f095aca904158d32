import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import * as api from "./index.js";

const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
const apiSection = readme.slice(readme.indexOf("\n## API\n"), readme.indexOf("\n## ", readme.indexOf("\n## API\n") + 1));

describe("the public surface of @tokenledger/otel", () => {
  it("exports at run time exactly what the README's API table documents, and documents its types", () => {
    const runtime = ["DURATION_BUCKETS", "OTHER_MODEL", "TOKEN_BUCKETS", "instrumentLedger", "instrumentLedgerSpans", "runSpanContext"];
    expect(Object.keys(api).sort()).toEqual(runtime);
    const options: api.InstrumentOptions = {};
    const spanOptions: api.SpanOptions = {};
    expect([options, spanOptions]).toEqual([{}, {}]);
    expect([...runtime, "InstrumentOptions", "SpanOptions"].filter((name) => !apiSection.includes(`\`${name}`))).toEqual([]);
  });
});
