import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { boundedJson } from "./bounded-json.js";

describe("boundedJson", () => {
  it("is JSON.stringify cut at the limit, for any JSON value", () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.integer({ min: 1, max: 300 }), (value, limit) => {
        const json = JSON.stringify(value);
        expect(boundedJson(value, limit)).toBe(json.length > limit ? json.slice(0, limit) : json);
      }),
    );
  });

  it("does bounded work on huge, wide and cyclic objects", () => {
    const wide: Record<string, unknown> = {};
    for (let i = 0; i < 200_000; i++) wide[`k${i}`] = undefined;
    wide.last = 1;
    const deep: Record<string, unknown> = {};
    let node = deep;
    for (let i = 0; i < 100_000; i++) node = node.next = {};
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    const started = performance.now();
    expect(boundedJson(wide, 256)?.length).toBeLessThanOrEqual(256);
    expect(boundedJson(deep, 256)).toHaveLength(256);
    expect(boundedJson({ big: "y".repeat(5_000_000) }, 10)).toBe('{"big":"yy');
    expect(boundedJson(cyclic, 256)).toBe('{"a":1,"self":"[Circular]"}');
    expect(boundedJson(new Date(0), 256)).toBe('"1970-01-01T00:00:00.000Z"');
    expect(boundedJson(() => 1, 256)).toBeUndefined();
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});
