import { HumanMessage } from "@langchain/core/messages";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { LlmRunRecord } from "../ledger/index.js";
import { trimHistory } from "../trim/index.js";
import { calibratedBudget, TokenCalibration } from "./token-calibration.js";

const ratioPairs = fc.array(
  fc.record({ estimated: fc.integer({ min: 1, max: 200_000 }), ratio: fc.double({ min: 0.3, max: 3, noNaN: true }) }),
  { minLength: 1, maxLength: 80 },
);

describe("TokenCalibration", () => {
  it("never budgets below the largest ratio it holds, once minSamples were seen", () => {
    fc.assert(
      fc.property(ratioPairs, (pairs) => {
        const calibration = new TokenCalibration({ window: 30, minSamples: 1 });
        for (const { estimated, ratio } of pairs) calibration.observe("claude-x", estimated, Math.max(1, Math.round(estimated * ratio)));
        const held = pairs.slice(-30).map(({ estimated, ratio }) => Math.max(1, Math.round(estimated * ratio)) / estimated);
        const factor = calibration.safetyFactor("claude-x");
        for (const r of held) expect(factor).toBeGreaterThanOrEqual(r);
        const stats = calibration.stats("claude-x")!;
        expect(stats.samples).toBe(held.length);
        expect(stats.seen).toBe(pairs.length);
        expect(stats.ratio).toBeCloseTo(held.reduce((a, b) => a + b, 0) / held.length, 9);
      }),
    );
  });

  it("uses the prior for an estimated model and 1 for an exact one until minSamples calls were seen", () => {
    const calibration = new TokenCalibration({ priorFactor: 1.3, minSamples: 3 });
    expect(calibration.safetyFactor("claude-sonnet-4-5")).toBe(1.3);
    expect(calibration.safetyFactor("gpt-4o")).toBe(1);
    calibration.observe("claude-sonnet-4-5", 100, 110);
    calibration.observe("claude-sonnet-4-5", 100, 112);
    expect(calibration.safetyFactor("claude-sonnet-4-5")).toBe(1.3);
    calibration.observe("claude-sonnet-4-5", 100, 111);
    // mean 1.11, sample standard deviation 0.01: 1.11 + 3 x 0.01
    expect(calibration.safetyFactor("claude-sonnet-4-5")).toBeCloseTo(1.14, 9);
    expect(calibration.safetyFactor("CLAUDE-SONNET-4-5 ")).toBeCloseTo(1.14, 9);
  });

  it("measures the calibrated estimate's error before each call it observes", () => {
    const calibration = new TokenCalibration({ minSamples: 2 });
    calibration.observe("m", 100, 120);
    calibration.observe("m", 100, 120);
    calibration.observe("m", 200, 250);
    const stats = calibration.stats("m")!;
    // raw: 20/120, 20/120, 50/250; calibrated (ratio 1.2 known before the third call): |240 - 250| / 250
    expect(stats.rawError).toBeCloseTo((20 / 120 + 20 / 120 + 50 / 250) / 3, 12);
    expect(stats.calibratedError).toBeCloseTo(10 / 250, 12);
    expect(calibration.estimate("m", 1000)).toMatchObject({
      approximate: true,
      samples: 3,
      tokens: Math.round(1000 * ((1.2 + 1.2 + 1.25) / 3)),
    });
  });

  it("rejects numbers that cannot be prompt sizes and keeps bounded memory", () => {
    const calibration = new TokenCalibration({ window: 4, maxModels: 3 });
    for (const [e, r] of [
      [0, 10],
      [10, 0],
      [Number.NaN, 10],
      [10, Number.POSITIVE_INFINITY],
      [-1, 5],
    ]) {
      expect(calibration.observe("m", e!, r!)).toBe(false);
    }
    expect(calibration.stats("m")).toBeUndefined();
    for (let i = 0; i < 100; i++) calibration.observe(`model-${i % 7}`, 100, 100 + i);
    const held = Array.from({ length: 7 }, (_, i) => calibration.stats(`model-${i}`)).filter(Boolean);
    expect(held).toHaveLength(3);
    for (const stats of held) expect(stats!.samples).toBeLessThanOrEqual(4);
  });

  it("observes only ok, uncached ledger records with the provider's input tokens and our estimate", () => {
    const calibration = new TokenCalibration();
    const record = (fields: Partial<LlmRunRecord>) =>
      ({
        status: "ok",
        cached: false,
        source: "provider",
        model: "claude-x",
        estimatedInputTokens: 100,
        reported: { inputTokens: 120, from: "usage_metadata" },
        ...fields,
      }) as LlmRunRecord;
    expect(calibration.observeRecord(record({ status: "error" }))).toBe(false);
    expect(calibration.observeRecord(record({ cached: true }))).toBe(false);
    expect(calibration.observeRecord(record({ source: "local" }))).toBe(false);
    expect(calibration.observeRecord(record({ estimatedInputTokens: undefined }))).toBe(false);
    expect(calibration.observeRecord(record({}))).toBe(true);
    expect(calibration.stats("claude-x")).toMatchObject({ samples: 1, ratio: 1.2 });
  });

  it("shrinks trimHistory's budget by the safety factor, and leaves it alone without one", () => {
    expect(calibratedBudget(1000, undefined, "m")).toBe(1000);
    expect(calibratedBudget(1000, { safetyFactor: () => 1.25 }, "m")).toBe(800);
    expect(calibratedBudget(1000, { safetyFactor: () => Number.NaN }, "m")).toBe(1000);
    expect(
      calibratedBudget(
        1000,
        {
          safetyFactor: () => {
            throw new Error("broken");
          },
        },
        "m",
      ),
    ).toBe(1000);
    const history = Array.from({ length: 40 }, (_, i) => new HumanMessage(`message number ${i} with a few words`));
    const plain = trimHistory(history, { model: "gpt-4o", maxTokens: 300 });
    const calibrated = trimHistory(history, { model: "gpt-4o", maxTokens: 300, calibration: { safetyFactor: () => 2 } });
    const half = trimHistory(history, { model: "gpt-4o", maxTokens: 150 });
    expect(calibrated).toEqual(half);
    expect(calibrated.length).toBeLessThan(plain.length);
  });
});
