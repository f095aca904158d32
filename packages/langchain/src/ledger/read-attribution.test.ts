import { describe, expect, it } from "vitest";
import { ATTRIBUTION_LIMITS, readAttribution } from "./read-attribution.js";

describe("readAttribution", () => {
  it("takes user, thread and tenant from LangChain's metadata keys, and `attribute` over them", () => {
    const meta = { user_id: "u1", sessionId: "s1", tenant_id: 7, ls_provider: "openai", nested: { a: 1 } };
    const { labels, problems } = readAttribution(["prod", 3], meta, undefined);
    expect(problems).toEqual([]);
    expect(labels).toEqual({
      tags: ["prod"],
      metadata: { user_id: "u1", sessionId: "s1", tenant_id: 7, ls_provider: "openai", nested: '{"a":1}' },
      userId: "u1",
      threadId: "s1",
      tenantId: "7",
    });
    const given = readAttribution([], { user_id: "u1", thread_id: "t1" }, () => ({ userId: "from-fn" }));
    expect(given.labels).toMatchObject({ userId: "from-fn", threadId: "t1" });
  });

  it("bounds tags, keys and strings, and survives hostile input", () => {
    const long = "x".repeat(10_000);
    const tags = Array.from({ length: 100 }, () => long);
    const meta = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`k${i}`, long]));
    const { labels } = readAttribution(tags, { ...meta }, undefined);
    expect(labels.tags).toHaveLength(ATTRIBUTION_LIMITS.maxTags);
    expect(labels.tags[0]).toHaveLength(ATTRIBUTION_LIMITS.maxStringLength);
    expect(Object.keys(labels.metadata)).toHaveLength(ATTRIBUTION_LIMITS.maxMetadataKeys);
    const hostile = {
      get user_id(): string {
        throw new Error("boom");
      },
    };
    const thrown = readAttribution(null, hostile, () => {
      throw new Error("no");
    });
    expect(thrown.labels.userId).toBeUndefined();
    expect(thrown.problems).toContain("attribute");
  });

  it("bounds its work: a huge, deep, long or cyclic metadata value costs what a small one does", () => {
    const huge = { blob: "z".repeat(20_000_000) };
    const long = Array.from({ length: 2_000_000 }, (_, i) => i);
    const deep: Record<string, unknown> = {};
    let node = deep;
    for (let i = 0; i < 200_000; i++) node = node.next = {};
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const started = performance.now();
    const { labels, problems } = readAttribution([], { huge, long, deep, cyclic, user_id: "u" }, undefined);
    // Without the bound, JSON.stringify of these takes seconds (or throws, on the deep and cyclic ones).
    expect(performance.now() - started).toBeLessThan(200);
    expect(problems).toEqual([]);
    expect(String(labels.metadata.huge)).toHaveLength(ATTRIBUTION_LIMITS.maxStringLength);
    expect(String(labels.metadata.long)).toHaveLength(ATTRIBUTION_LIMITS.maxStringLength);
    expect(String(labels.metadata.deep)).toHaveLength(ATTRIBUTION_LIMITS.maxStringLength);
    expect(labels.metadata.cyclic).toBe('{"self":"[Circular]"}');
    const wide = Object.fromEntries(Array.from({ length: 1_000 }, (_, i) => [`k${i}`, i]));
    expect(Object.keys(readAttribution([], wide, undefined).labels.metadata)).toHaveLength(ATTRIBUTION_LIMITS.maxMetadataKeys);
  });

  it("reads budgets from metadata.tokenledger_budgets (strings only, bounded); a promise from attribute is no attribution and never unhandled", () => {
    expect(readAttribution([], { tokenledger_budgets: ["a", 1, "", "b"] }, undefined).labels.budgets).toEqual(["a", "b"]);
    expect(readAttribution([], { tokenledger_budgets: "a" }, undefined).labels.budgets).toBeUndefined();
    const promised = readAttribution([], { user_id: "u" }, (() => Promise.reject(new Error("async"))) as never);
    expect(promised.labels.userId).toBe("u");
    expect(promised.problems).toContain("attribute (returned a promise)");
  });
});
