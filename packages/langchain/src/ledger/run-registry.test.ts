import { describe, expect, it } from "vitest";
import { type RunInFlight, RunRegistry } from "./run-registry.js";

const run = (runId: string, rootRunId: string, startedAt: number): RunInFlight => ({ runId, rootRunId, startedAt });

describe("RunRegistry", () => {
  it("maps runs to their root through the lineage of parents", () => {
    const registry = new RunRegistry<RunInFlight>({ staleAfterMs: 1000, maxPending: 10 });
    registry.track("root", undefined, 0);
    registry.track("tool", "root", 0);
    expect(registry.rootOf("tool", "llm")).toBe("root");
    expect(registry.rootOf(undefined, "llm")).toBe("llm");
    expect(registry.rootOf("unseen-parent", "llm")).toBe("unseen-parent");
    registry.add(run("llm", "root", 0));
    expect(registry.rootOf("llm", "child")).toBe("root");
    expect(registry.take("llm")?.runId).toBe("llm");
    expect(registry.take("llm")).toBeUndefined();
    registry.untrack("tool");
    registry.untrack("root");
    expect(registry.sizes()).toEqual({ inflight: 0, lineage: 0 });
  });

  it("gives up runs older than staleAfterMs, and the oldest beyond maxPending", () => {
    const registry = new RunRegistry<RunInFlight>({ staleAfterMs: 1000, maxPending: 3 });
    const now = Date.now();
    registry.add(run("old", "old", now - 5000));
    registry.add(run("new", "new", now));
    registry.track("old-chain", undefined, now - 5000);
    expect(registry.stale(now + 500).map((s) => s.runId)).toEqual(["old"]);
    expect(registry.sizes()).toEqual({ inflight: 1, lineage: 0 });
    registry.add(run("a", "a", now + 1000));
    registry.add(run("b", "b", now + 1000));
    expect(registry.stale(now + 500).map((s) => s.runId)).toEqual(["new"]);
    expect(registry.size).toBe(2);
  });
});
