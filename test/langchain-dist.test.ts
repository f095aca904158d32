import { createRequire } from "node:module";
import { HumanMessage } from "@langchain/core/messages";
import { describe, expect, it } from "vitest";

const require = createRequire(import.meta.url);

/** What users install: @tokenledger/langchain's built dist, with the user's own @langchain/core. */
describe("@tokenledger/langchain as published", () => {
  it("imports as ESM and records a run", async () => {
    const { TokenLedgerHandler } = await import("@tokenledger/langchain");
    const ledger = new TokenLedgerHandler();
    ledger.handleChatModelStart({ lc: 1, type: "not_implemented", id: ["X"] }, [[new HumanMessage("Hello")]], "r1", undefined, {
      invocation_params: { model: "gpt-4o" },
    });
    ledger.handleLLMEnd({ generations: [[{ text: "Hi" }]] }, "r1");
    expect(ledger.totals()).toMatchObject({ calls: 1, inputTokens: 8, outputTokens: 1 });
  });

  it("requires as CommonJS", () => {
    const lib = require("@tokenledger/langchain");
    expect(typeof lib.TokenLedgerHandler).toBe("function");
    // Prices are core's alone: langchain neither re-exports them nor has a /pricing subpath.
    expect(lib.DEFAULT_PRICING).toBeUndefined();
    expect(require("@tokenledger/core").DEFAULT_PRICING["gpt-4o"].output_cost_per_token).toBe(0.00001);
  });

  it("exports TokenCalibration, which shrinks a trim budget by what it observed", async () => {
    const { TokenCalibration, trimHistory } = await import("@tokenledger/langchain");
    const calibration = new TokenCalibration({ minSamples: 1 });
    calibration.observe("claude-sonnet-4-5", 100, 150);
    const factor = calibration.safetyFactor("anthropic/claude-sonnet-4.5");
    expect(factor).toBeGreaterThan(1.5);
    const history = Array.from({ length: 30 }, (_, i) => new HumanMessage(`message ${i} with some words in it`));
    const kept = trimHistory(history, { model: "claude-sonnet-4-5", maxTokens: 300, calibration });
    const plain = trimHistory(history, { model: "claude-sonnet-4-5", maxTokens: Math.floor(300 / factor) });
    expect(kept).toEqual(plain);
    expect(typeof require("@tokenledger/langchain").TokenCalibration).toBe("function");
  });

  it("exposes the agent middleware through its own subpath", async () => {
    const { contextWindowMiddleware, TokenBudgetExceededError } = await import("@tokenledger/langchain/middleware");
    expect(contextWindowMiddleware({ maxTokens: 1000 }).name).toBe("ContextWindowMiddleware");
    expect(new TokenBudgetExceededError(10, 5).message).toMatch(/10 tokens of its 5/);
  });

  it("has no /pricing subpath: prices are @tokenledger/core's (one table, routed names priced)", async () => {
    const subpath = "@tokenledger/langchain/pricing";
    await expect(import(/* @vite-ignore */ subpath)).rejects.toThrow();
    expect(() => require(subpath)).toThrow(/ERR_PACKAGE_PATH_NOT_EXPORTED|not defined by "exports"/);
    const core = await import("@tokenledger/core");
    // OpenAI's gpt-4o input price: $2.50 per million tokens.
    expect(core.inputCostUsd("openrouter/openai/gpt-4o", 1_000_000)).toBeCloseTo(2.5, 12);
  });

  it("trims from the built package with exact counts", async () => {
    const { trimHistory } = await import("@tokenledger/langchain");
    const history = Array.from({ length: 10 }, (_, i) => new HumanMessage(`message ${i}`));
    // Each "message N" costs 7 on gpt-4o (3 framing + "user" + 3 text tokens); the reply is primed with 3.
    expect(trimHistory(history, { maxTokens: 3 + 3 * 7 })).toEqual(history.slice(-3));
    expect(trimHistory(history, { maxTokens: 3 + 3 * 7 - 1 })).toEqual(history.slice(-2));
  });
});
