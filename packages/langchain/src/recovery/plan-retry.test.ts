import { HumanMessage, SystemMessage } from "@langchain/core/messages";
import { describe, expect, it } from "vitest";
import { TokenCalibration } from "../calibration/index.js";
import { ContextWindowExceededError } from "./context-window-exceeded-error.js";
import { parseContextWindowError } from "./parse-context-window-error.js";
import { countOf, planRetry, RETRY_HEADROOM } from "./plan-retry.js";

const sent = [
  new SystemMessage("Be brief."),
  ...Array.from({ length: 20 }, (_, i) => new HumanMessage(`message number ${i} with some words in it`)),
];

describe("planRetry", () => {
  it("scales our count by the provider's (input limit / its prompt), records the ratio, keeps headroom", () => {
    const counted = countOf(sent, "claude-sonnet-4-5", undefined);
    const provider = Math.round(counted * 1.3);
    const refusal = parseContextWindowError(`input length and \`max_tokens\` exceed context limit: ${provider} + 100 > ${counted}`)!;
    const calibration = new TokenCalibration();
    const plan = planRetry({ refusal, model: "claude-sonnet-4-5", sent, budget: 10_000, calibration });
    expect(plan.counted).toBe(counted);
    expect(plan.ratio).toBeCloseTo(1.3, 2);
    expect(plan.observed).toBe(true);
    expect(calibration.stats("claude-sonnet-4-5")!.maxRatio).toBeCloseTo(1.3, 2);
    // The retry's provider-side prompt fits what the window leaves after the output.
    expect(plan.budget * plan.ratio!).toBeLessThanOrEqual((counted - 100) * (1 - RETRY_HEADROOM) + 1);
    expect(plan.budget).toBe(Math.floor(((counted - 100) / plan.ratio!) * (1 - RETRY_HEADROOM)));
  });

  it("never asks for the same prompt again, and shrinks blind when no size is stated", () => {
    const counted = countOf(sent, "gpt-4o", undefined);
    const same = planRetry({
      refusal: parseContextWindowError(`prompt is too long: ${counted} tokens > ${counted * 2} maximum`)!,
      model: "gpt-4o",
      sent,
      budget: counted * 3,
    });
    expect(same.budget).toBeLessThan(counted);
    const blind = planRetry({
      refusal: parseContextWindowError("the input length exceeds the context length")!,
      model: "gpt-4o",
      sent,
      budget: 10_000,
    });
    expect(blind.budget).toBe(Math.floor(counted * 0.75));
    expect(blind.ratio).toBeUndefined();
  });

  it("works without a calibration, or with one that has no observe", () => {
    const refusal = parseContextWindowError(
      "This model's maximum context length is 100 tokens. However, you requested 150 tokens (120 in the messages, 30 in the completion).",
    )!;
    expect(planRetry({ refusal, model: "gpt-4o", sent, budget: 500, calibration: { safetyFactor: () => 1 } }).observed).toBe(false);
  });
});

describe("ContextWindowExceededError", () => {
  it("carries the sizes, the model and the provider's text", () => {
    const refusal = parseContextWindowError("prompt is too long: 208656 tokens > 200000 maximum")!;
    const error = new ContextWindowExceededError(refusal, "claude-sonnet-4-5", { retried: true });
    expect(error).toMatchObject({
      requestedTokens: 208656,
      maxTokens: 200000,
      model: "claude-sonnet-4-5",
      retried: true,
      name: "ContextWindowExceededError",
    });
    expect(error.message).toMatch(/208656 tokens requested > 200000 window.*after one retry/);
    expect(error.providerMessage).toBe("prompt is too long: 208656 tokens > 200000 maximum");
  });
});
