import { HumanMessage } from "@langchain/core/messages";
import fc from "fast-check";
import { afterEach, describe, expect, it, vi } from "vitest";
import { internalSizes } from "./ledger-internals.js";
import { TokenLedgerHandler } from "./token-ledger-handler.js";

// A model-based test: random forests of chains, tools and model runs, their events interleaved at
// random (as concurrent runs interleave), with duplicate starts and ends, aborts followed by
// LangChain's own error, runs that never end, stray events for unknown ids and hostile usage.
// The model (the generated forest) says what the ledger must hold afterwards.

type Ending = "end" | "error" | "abort" | "missing";
interface RunSpec {
  kind: "chain" | "tool" | "llm";
  parentPick: number;
  hasParent: boolean;
  ending: Ending;
  tokens: string[];
  usage: { valid: true; input: number; output: number } | { valid: false; value: unknown };
  dupStart: boolean;
  dupEnd: boolean;
}

/** Never a valid count: a fraction, NaN or an infinity, a string, a negative, a huge number, an object. */
const hostile = fc.oneof(
  fc.double().filter((d) => !Number.isInteger(d)),
  fc.string({ maxLength: 4 }),
  fc.integer({ min: -1000, max: -1 }),
  fc.constant(1e20),
  fc.constant(Object.create(null)),
  fc.constant(undefined),
);
const runSpec: fc.Arbitrary<RunSpec> = fc.record({
  kind: fc.constantFrom("chain", "tool", "llm", "llm"),
  parentPick: fc.nat(),
  hasParent: fc.boolean(),
  ending: fc.constantFrom<Ending>("end", "end", "error", "abort", "missing"),
  tokens: fc.array(fc.string({ maxLength: 6 }), { maxLength: 3 }),
  usage: fc.oneof(
    // A call that was sent has input tokens: 0 and 0 is missing usage (read as none), not a valid report.
    fc.record({ valid: fc.constant(true as const), input: fc.integer({ min: 1, max: 100_000 }), output: fc.nat(5_000) }),
    fc.record({ valid: fc.constant(false as const), value: hostile }),
  ),
  dupStart: fc.boolean(),
  dupEnd: fc.boolean(),
});

const serialized = { lc: 1, type: "not_implemented" as const, id: ["Runnable"] };
const STALE_MS = 1_000;

/** mulberry32: the interleaving comes from fast-check's seed, so a failure replays. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

afterEach(() => {
  vi.useRealTimers();
});

describe("TokenLedgerHandler under random interleavings of events (model-based)", () => {
  it("ends with one record per started model run, sums that agree, right roots and no state left behind", () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    fc.assert(
      fc.property(
        fc.array(runSpec, { minLength: 1, maxLength: 30 }),
        fc.integer(),
        fc.array(fc.nat(40), { maxLength: 5 }),
        (specs, seed, strays) => {
          const ledger = new TokenLedgerHandler({ staleAfterMs: STALE_MS });
          const next = random(seed);
          const ids = specs.map((_, i) => `run-${i}`);
          const parents = specs.map((spec, i) => {
            const candidates = specs.slice(0, i).flatMap((s, j) => (s.kind === "llm" ? [] : [j]));
            return spec.hasParent && candidates.length > 0 ? candidates[spec.parentPick % candidates.length] : undefined;
          });
          const rootOf = (i: number): number => (parents[i] === undefined ? i : rootOf(parents[i]!));
          const children = specs.map((_, i) => parents.flatMap((p, j) => (p === i ? [j] : [])));
          const controllers = specs.map(() => new AbortController());
          const queues: string[][] = specs.map((spec) => {
            const start = spec.dupStart ? ["start", "start"] : ["start"];
            const body = spec.kind === "llm" ? spec.tokens.map(() => "token") : [];
            const ending: Record<Ending, string[]> = {
              end: ["end"],
              error: ["error"],
              abort: spec.kind === "llm" ? ["abort", "error"] : ["error"],
              missing: [],
            };
            const end = ending[spec.ending];
            return [...start, ...body, ...end, ...(spec.dupEnd && end.length > 0 ? [end.at(-1)!] : [])];
          });
          const started = specs.map(() => false);
          const ended = specs.map(() => false);
          const tokenAt = specs.map(() => 0);
          const ready = (i: number) => {
            const event = queues[i]![0];
            if (event === undefined) return false;
            if (event === "start" && !started[i]) return parents[i] === undefined || (started[parents[i]!]! && !ended[parents[i]!]!);
            if (specs[i]!.kind !== "llm" && (event === "end" || event === "error"))
              return children[i]!.every((c) => queues[c]!.length === 0);
            return true;
          };
          const fire = (i: number) => {
            const spec = specs[i]!;
            const event = queues[i]!.shift()!;
            const id = ids[i]!;
            const parent = parents[i] === undefined ? undefined : ids[parents[i]!];
            if (spec.kind === "llm") {
              if (event === "start") {
                const extra = { invocation_params: { model: "gpt-4o" }, options: { signal: controllers[i]!.signal } };
                ledger.handleChatModelStart(serialized, [[new HumanMessage(`question ${i}`)]], id, parent, extra);
              } else if (event === "token") ledger.handleLLMNewToken(spec.tokens[tokenAt[i]!++]!, { prompt: 0, completion: 0 }, id, parent);
              else if (event === "abort") controllers[i]!.abort();
              else if (event === "error")
                ledger.handleLLMError(spec.ending === "abort" ? new DOMException("aborted", "AbortError") : new Error("boom"), id, parent);
              else {
                const usage = spec.usage.valid
                  ? {
                      promptTokens: spec.usage.input,
                      completionTokens: spec.usage.output,
                      totalTokens: spec.usage.input + spec.usage.output,
                    }
                  : { promptTokens: spec.usage.value, completionTokens: 3 };
                ledger.handleLLMEnd({ generations: [[{ text: "answer" }]], llmOutput: { tokenUsage: usage } }, id, parent);
              }
            } else if (event === "start") {
              if (spec.kind === "chain") ledger.handleChainStart(serialized, {}, id, parent);
              else ledger.handleToolStart(serialized, "", id, parent);
            } else if (spec.kind === "chain") {
              if (event === "end") ledger.handleChainEnd({}, id, parent);
              else ledger.handleChainError(new Error("x"), id, parent);
            } else if (event === "end") ledger.handleToolEnd("", id, parent);
            else ledger.handleToolError(new Error("x"), id, parent);
            if (event === "start") started[i] = true;
            else if (spec.kind !== "llm" && (event === "end" || event === "error")) ended[i] = true;
          };
          for (;;) {
            const candidates = specs.flatMap((_, i) => (ready(i) ? [i] : []));
            if (candidates.length === 0) break;
            fire(candidates[Math.floor(next() * candidates.length)]!);
            if (strays.length > 0 && next() < 0.1) {
              const stray = `stray-${strays.pop()}`;
              ledger.handleLLMEnd({ generations: [] }, stray);
              ledger.handleLLMError(new Error("late"), stray);
              ledger.handleChainEnd({}, stray);
              ledger.handleLLMNewToken("x", { prompt: 0, completion: 0 }, stray);
            }
          }
          // Runs whose end never came are closed once stale; the next event triggers the sweep.
          vi.setSystemTime(Date.now() + STALE_MS * 100);
          ledger.handleChainStart(serialized, {}, "sweeper");
          ledger.handleChainEnd({}, "sweeper");

          const models = specs.flatMap((s, i) => (s.kind === "llm" ? [i] : []));
          const records = ledger.records();
          expect(records.map((r) => r.runId).sort()).toEqual(models.map((i) => ids[i]!).sort());
          expect(ledger.pendingCount).toBe(0);
          expect(internalSizes(ledger)).toEqual({ inflight: 0, lineage: 0 });
          for (const i of models) {
            const spec = specs[i]!;
            const record = ledger.getRun(ids[i]!)!;
            expect(record.rootRunId).toBe(ids[rootOf(i)]);
            expect(record.parentRunId).toBe(parents[i] === undefined ? undefined : ids[parents[i]!]);
            for (const n of [record.inputTokens, record.outputTokens, record.totalTokens, record.contextTokens]) {
              expect(Number.isSafeInteger(n) && n >= 0).toBe(true);
            }
            expect(record.status).toBe(spec.ending === "end" ? "ok" : "error");
            if (spec.ending === "abort") expect(record.flags).toContain("aborted");
            if (spec.ending === "missing") expect(record.flags).toContain("abandoned");
            if (spec.ending === "end" && spec.usage.valid) {
              expect(record).toMatchObject({ source: "provider", inputTokens: spec.usage.input, outputTokens: spec.usage.output });
            }
            if (spec.ending === "end" && !spec.usage.valid && spec.usage.value !== undefined) {
              expect(record.flags).toContain("invalid-usage");
              expect(record.source).toBe("local");
            }
            if (record.costUsd !== undefined) expect(record.costUsd).toBeGreaterThanOrEqual(0);
          }
          const sum = (key: "inputTokens" | "outputTokens") => records.reduce((s, r) => s + r[key], 0);
          const totals = ledger.totals();
          expect(totals).toMatchObject({ calls: models.length, inputTokens: sum("inputTokens"), outputTokens: sum("outputTokens") });
          expect(totals.errors).toBe(records.filter((r) => r.status === "error").length);
          const traces = ledger.traces();
          expect(traces.every((t) => t.pending === 0)).toBe(true);
          expect(traces.reduce((s, t) => s + t.calls, 0)).toBe(models.length);
          expect(traces.reduce((s, t) => s + t.inputTokens, 0)).toBe(totals.inputTokens);
          const roots = new Set(models.map((i) => ids[rootOf(i)]));
          expect(new Set(traces.map((t) => t.rootRunId))).toEqual(roots);
        },
      ),
      { numRuns: 200 },
    );
  });
});
