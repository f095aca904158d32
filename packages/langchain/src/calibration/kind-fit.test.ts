import { describe, expect, it } from "vitest";
import { APPROXIMATE_PRIOR, EXACT_PRIOR, fitKinds, type PromptShape, predict, termsOf } from "./kind-fit.js";
import { emptyKinds } from "./text-kinds.js";

const shape = (latin: number, cjk: number, messages: number): PromptShape => ({
  kinds: { ...emptyKinds(), latin, cjk },
  unsplit: 0,
  framing: messages,
  messages,
  tools: 0,
  total: latin + cjk + messages,
});

describe("fitKinds", () => {
  it("recovers each kind's rate and the per-message cost from prompts of varied mixes", () => {
    const shapes = Array.from({ length: 30 }, (_, i) => shape(100 + 37 * (i % 7), 50 * (i % 4), 2 + (i % 9)));
    const truth = (s: PromptShape) => 0.98 * s.kinds.latin + 1.3 * s.kinds.cjk + 5 * s.messages + 4;
    const fit = fitKinds(shapes.map(termsOf), shapes.map(truth), shapes.length, APPROXIMATE_PRIOR);
    const probe = shape(400, 300, 10);
    const { tokens, sd } = predict(fit, termsOf(probe));
    expect(Math.abs(tokens - truth(probe)) / truth(probe)).toBeLessThan(0.01);
    expect(sd / tokens).toBeLessThan(0.02);
  });

  it("without observations, holds the prior: our count, uncertain by a quarter for approximate models, by little for exact ones", () => {
    const probe = termsOf(shape(1000, 0, 0));
    const approximate = predict(fitKinds([], [], 0, APPROXIMATE_PRIOR), probe);
    const exact = predict(fitKinds([], [], 0, EXACT_PRIOR), probe);
    expect(approximate.tokens).toBeCloseTo(1000 + 0, 0);
    expect(approximate.sd).toBeGreaterThan(200);
    expect(exact.sd).toBeLessThan(35);
  });
});
