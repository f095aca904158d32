import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { lowestAt, NONE } from "./lowest-at.js";

describe("lowestAt, the next merge of a scan merge", () => {
  it("is the leftmost lowest value below NONE among the first `count`, or -1", () => {
    expect(lowestAt(Int32Array.of(5, 3, 3, 1), 3)).toBe(1);
    expect(lowestAt(Int32Array.of(NONE, NONE), 2)).toBe(-1);
    expect(lowestAt(Int32Array.of(), 0)).toBe(-1);
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.integer({ min: 0, max: 20 }), fc.constant(NONE)), { maxLength: 30 }), (values) => {
        const min = Math.min(NONE, ...values);
        expect(lowestAt(Int32Array.from(values), values.length)).toBe(min === NONE ? -1 : values.indexOf(min));
      }),
    );
  });
});
