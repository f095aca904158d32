import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MAX_REPORTED_TOKENS, validateReportedUsage } from "./validate-reported-usage.js";

describe("validateReportedUsage", () => {
  it("keeps valid numbers and takes a missing input or output from a consistent total", () => {
    expect(validateReportedUsage({ input: 50, output: 7, total: 57, cacheRead: 32, reasoning: 2 })).toEqual({
      usage: { inputTokens: 50, outputTokens: 7, totalTokens: 57, cacheReadTokens: 32, reasoningTokens: 2 },
      problems: [],
    });
    expect(validateReportedUsage({ input: 50, total: 60 }).usage).toEqual({ inputTokens: 50, outputTokens: 10, totalTokens: 60 });
    expect(validateReportedUsage({ output: 5, total: 60 }).usage).toEqual({ inputTokens: 55, outputTokens: 5, totalTokens: 60 });
    expect(validateReportedUsage({ input: null, output: undefined })).toEqual({ usage: {}, problems: [] });
    expect(validateReportedUsage(undefined)).toEqual({ usage: {}, problems: [] });
  });

  it("names every bad number: fraction, negative, string, NaN, infinity, huge, object", () => {
    const cases: Array<[unknown, string]> = [
      [10.5, "input: 10.5"],
      [-3, "input: -3"],
      ["12", 'input: "12"'],
      [Number.NaN, "input: NaN"],
      [Number.POSITIVE_INFINITY, "input: Infinity"],
      [MAX_REPORTED_TOKENS + 1, `input: ${MAX_REPORTED_TOKENS + 1}`],
      [10n, "input: 10"],
      [Object.create(null), "input: object"],
    ];
    for (const [input, problem] of cases) {
      expect(validateReportedUsage({ input, output: 3 })).toEqual({ usage: { outputTokens: 3 }, problems: [problem] });
    }
  });

  it("rejects a total below the known part and cached input above input", () => {
    expect(validateReportedUsage({ input: 50, total: 10 })).toEqual({
      usage: { inputTokens: 50 },
      problems: ["total: 10 is less than input 50"],
    });
    expect(validateReportedUsage({ input: 10, output: 1, cacheRead: 500 })).toEqual({
      usage: { inputTokens: 10, outputTokens: 1 },
      problems: ["cacheRead: 500 is more than input 10"],
    });
  });

  it("survives a throwing getter", () => {
    const raw = Object.defineProperty({ output: 2 }, "input", {
      get() {
        throw new Error("boom");
      },
    });
    expect(validateReportedUsage(raw)).toEqual({ usage: { outputTokens: 2 }, problems: ["input: unreadable"] });
  });

  it("never throws, and what it keeps is non-negative integers with cached <= input (property)", () => {
    const anyValue = fc.oneof(fc.anything(), fc.integer(), fc.nat(), fc.double(), fc.constant(undefined));
    fc.assert(
      fc.property(fc.record({ input: anyValue, output: anyValue, total: anyValue, cacheRead: anyValue, reasoning: anyValue }), (raw) => {
        const { usage, problems } = validateReportedUsage(raw);
        for (const value of Object.values(usage)) expect(Number.isInteger(value) && value >= 0 && value <= MAX_REPORTED_TOKENS).toBe(true);
        if (usage.cacheReadTokens !== undefined && usage.inputTokens !== undefined)
          expect(usage.cacheReadTokens).toBeLessThanOrEqual(usage.inputTokens);
        if (problems.length === 0 && usage.totalTokens !== undefined && usage.inputTokens !== undefined && raw.output === undefined) {
          expect(usage.inputTokens + usage.outputTokens!).toBe(usage.totalTokens);
        }
      }),
    );
  });
});

describe("validateReportedUsage: totals", () => {
  it("a total below input or output alone is a problem; below their sum only, inconsistent (numbers kept)", () => {
    expect(validateReportedUsage({ input: 50, output: 10, total: 55 })).toEqual({
      usage: { inputTokens: 50, outputTokens: 10, totalTokens: 55 },
      problems: [],
      inconsistentTotal: true,
    });
    expect(validateReportedUsage({ input: 50, output: 0, total: 1 }).problems).toEqual(["total: 1 is less than input 50"]);
    expect(validateReportedUsage({ input: 50, output: 10, total: 60 }).inconsistentTotal).toBeUndefined();
    // A zero output LangChain filled in for a missing one comes from the total.
    expect(validateReportedUsage({ input: 36, output: 0, total: 50 }).usage).toEqual({
      inputTokens: 36,
      outputTokens: 14,
      totalTokens: 50,
    });
  });
});
