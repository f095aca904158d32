import { describe, expect, it } from "vitest";
import { clampTokenCount, resolveUsage } from "./resolve-usage.js";

const local = () => 4;

describe("resolveUsage: provider > provider's estimate > local", () => {
  it("takes the provider's numbers", () => {
    const provider = { reported: { from: "usage_metadata" as const, inputTokens: 30, outputTokens: 5 }, problems: [] };
    expect(resolveUsage({ cached: false, provider, estimatedInputTokens: 28, localOutputTokens: local, failed: false })).toEqual({
      inputTokens: 30,
      outputTokens: 5,
      source: "provider",
      reported: provider.reported,
      invalidUsage: false,
    });
  });

  it("marks LangChain's own estimate, and fills a missing provider number with ours", () => {
    const provider = { reported: { from: "estimatedTokenUsage" as const, inputTokens: 30 }, problems: [] };
    expect(resolveUsage({ cached: false, provider, localOutputTokens: local, failed: false })).toMatchObject({
      inputTokens: 30,
      outputTokens: 4,
      source: "provider-estimate",
    });
    const outputOnly = { reported: { from: "tokenUsage" as const, outputTokens: 9 }, problems: [] };
    expect(
      resolveUsage({ cached: false, provider: outputOnly, estimatedInputTokens: 28, localOutputTokens: local, failed: false }),
    ).toMatchObject({
      inputTokens: 28,
      outputTokens: 9,
      source: "provider",
    });
  });

  it("falls back to local counts, flagged, when the provider's numbers were invalid", () => {
    expect(
      resolveUsage({
        cached: false,
        provider: { problems: ["input: -3"] },
        estimatedInputTokens: 28,
        localOutputTokens: local,
        failed: false,
      }),
    ).toEqual({ inputTokens: 28, outputTokens: 4, source: "local", invalidUsage: true });
  });

  it("records 0 input for a failure that produced nothing, and 0/0 for a cache hit", () => {
    expect(
      resolveUsage({ cached: false, provider: { problems: [] }, estimatedInputTokens: 28, localOutputTokens: () => 0, failed: true }),
    ).toMatchObject({
      inputTokens: 0,
      outputTokens: 0,
    });
    expect(
      resolveUsage({ cached: true, provider: { problems: [] }, estimatedInputTokens: 28, localOutputTokens: local, failed: false }),
    ).toMatchObject({
      inputTokens: 0,
      outputTokens: 0,
    });
  });

  it("turns a NaN estimate or local count into 0, never into NaN", () => {
    expect(
      resolveUsage({
        cached: false,
        provider: { problems: [] },
        estimatedInputTokens: Number.NaN,
        localOutputTokens: () => -2,
        failed: false,
      }),
    ).toMatchObject({ inputTokens: 0, outputTokens: 0 });
    expect([clampTokenCount(2.7), clampTokenCount(-1), clampTokenCount("3"), clampTokenCount(Number.POSITIVE_INFINITY)]).toEqual([
      2, 0, 0, 0,
    ]);
  });
});
