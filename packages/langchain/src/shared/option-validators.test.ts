import { describe, expect, it } from "vitest";
import { durationMsOr, finiteNonNegativeOr, finitePositiveOr } from "./option-validators.js";

const ODD = [Number.NaN, Number.NEGATIVE_INFINITY, -1, "5", null, undefined, {}];

describe("option readers", () => {
  it("finitePositiveOr takes a finite number > 0, else the default (an infinite bound would leave a map unbounded)", () => {
    expect(finitePositiveOr(2.5, 10)).toBe(2.5);
    for (const value of [...ODD, 0, Number.POSITIVE_INFINITY]) expect(finitePositiveOr(value, 10)).toBe(10);
  });

  it("durationMsOr takes a number > 0, infinity (never) included, else the default", () => {
    expect(durationMsOr(1000, 5)).toBe(1000);
    expect(durationMsOr(Number.POSITIVE_INFINITY, 5)).toBe(Number.POSITIVE_INFINITY);
    for (const value of [...ODD, 0]) expect(durationMsOr(value, 5)).toBe(5);
  });

  it("finiteNonNegativeOr takes a finite number >= 0, else the default", () => {
    expect(finiteNonNegativeOr(0, 3)).toBe(0);
    for (const value of [...ODD, Number.POSITIVE_INFINITY]) expect(finiteNonNegativeOr(value, 3)).toBe(3);
  });
});
