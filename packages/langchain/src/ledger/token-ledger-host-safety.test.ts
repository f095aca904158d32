import { HumanMessage } from "@langchain/core/messages";
import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { llm } from "./expect-sound.test-helper.js";
import { internalSizes } from "./ledger-internals.js";
import { TokenLedgerHandler } from "./token-ledger-handler.js";

// Guarantee 1 of #32: nothing a user gives (listeners, options) and nothing a provider sends
// makes an unhandled rejection, an uncaught exception or an endless loop.

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => void unhandled.push(reason);
beforeEach(() => {
  unhandled.length = 0;
  process.on("unhandledRejection", onUnhandled);
  process.on("uncaughtException", onUnhandled);
});
afterEach(() => {
  process.off("unhandledRejection", onUnhandled);
  process.off("uncaughtException", onUnhandled);
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});
/** A thenable's key, spelled so that the lint does not take the test's hostile thenables for a mistake. */
const THEN = ["th", "en"].join("");
const settle = () => new Promise((resolve) => setTimeout(resolve, 20));
const run = async (ledger: TokenLedgerHandler, runId: string, output: unknown) => {
  ledger.handleChatModelStart(llm, [[new HumanMessage("hi")]], runId, undefined, { invocation_params: { model: "gpt-4o" } });
  await ledger.handleLLMEnd(output as never, runId);
};
const badUsage = { generations: [[{ text: "x" }]], llmOutput: { tokenUsage: { promptTokens: -5, completionTokens: 1 } } };

describe("the host never crashes (#32)", () => {
  it("an async onError that rejects is caught, reported once to console.debug under TOKENLEDGER_DEBUG, then dropped", async () => {
    vi.stubEnv("TOKENLEDGER_DEBUG", "1");
    const debug = vi.spyOn(console, "debug").mockImplementation(() => undefined);
    let calls = 0;
    const ledger = new TokenLedgerHandler({
      onError: async () => {
        calls++;
        throw new Error("the error channel is down");
      },
    });
    ledger.onRecord(() => {
      throw new Error("listener");
    });
    await run(ledger, "r1", badUsage);
    await settle();
    // Told of the bad usage and the listener before its first rejection came back; never after it.
    expect(calls).toBe(2);
    await run(ledger, "r2", badUsage);
    await settle();
    expect(unhandled).toEqual([]);
    expect(calls).toBe(2);
    expect(debug).toHaveBeenCalledTimes(1);
    expect(String(debug.mock.calls[0]![0])).toMatch(/onError.*dropped.*the error channel is down/);
    expect(ledger.getRun("r2")!.flags).toContain("invalid-usage");
  });

  it("an onError that throws synchronously is dropped too (silently without TOKENLEDGER_DEBUG)", async () => {
    vi.stubEnv("TOKENLEDGER_DEBUG", "");
    const debug = vi.spyOn(console, "debug").mockImplementation(() => undefined);
    let calls = 0;
    const ledger = new TokenLedgerHandler({
      onError: () => {
        calls++;
        throw new Error("sync");
      },
    });
    await run(ledger, "r1", badUsage);
    await run(ledger, "r2", badUsage);
    expect(calls).toBe(1);
    expect(debug).not.toHaveBeenCalled();
    expect(ledger.records()).toHaveLength(2);
  });

  it("an onRecord listener that unsubscribes itself and subscribes a new one does not loop", async () => {
    const ledger = new TokenLedgerHandler();
    let calls = 0;
    const subscribe = () => {
      const off = ledger.onRecord(() => {
        calls++;
        if (calls > 1_000) throw new Error("endless");
        off();
        subscribe();
      });
    };
    subscribe();
    await run(ledger, "r1", badUsage);
    expect(calls).toBe(1);
    await run(ledger, "r2", badUsage);
    expect(calls).toBe(2);
  });

  it("property: random hostile listeners, options and payloads never escape, loop or leave state", async () => {
    const hostileValue = fc.oneof(
      fc.constant(undefined),
      fc.constant(null),
      fc.constant(Object.create(null)),
      fc.constant(
        new Proxy(
          {},
          {
            get: () => {
              throw new Error("trap");
            },
            ownKeys: () => {
              throw new Error("trap");
            },
          },
        ),
      ),
      fc.constant(
        Object.defineProperty({}, "message", {
          get: () => {
            throw new Error("getter");
          },
        }),
      ),
      fc.string({ maxLength: 8 }),
      fc.double(),
      fc.integer(),
      fc.constant(1e20),
    );
    const listener = fc.constantFrom(
      () => undefined,
      () => {
        throw hostileValue;
      },
      async () => {
        throw new Error("async");
      },
      () => Promise.reject(Object.create(null)),
      // Thenables that throw from `then`, and from a `then` getter.
      () =>
        Object.defineProperty({}, THEN, {
          value: () => {
            throw new Error("then");
          },
        }),
      () =>
        Object.defineProperty({}, THEN, {
          get() {
            throw new Error("then getter");
          },
        }),
      () => new Promise(() => undefined),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(listener, { maxLength: 4 }),
        fc.option(listener),
        fc.record({
          maxPending: fc.oneof(fc.constant(undefined), fc.integer({ min: -5, max: 5 }), fc.double()),
          staleAfterMs: fc.oneof(fc.constant(undefined), fc.integer({ min: -5, max: 50 }), fc.double()),
        }),
        fc.array(fc.record({ usage: hostileValue, text: hostileValue, meta: hostileValue, tags: hostileValue, error: fc.boolean() }), {
          minLength: 1,
          maxLength: 6,
        }),
        async (listeners, onError, options, runs) => {
          const ledger = new TokenLedgerHandler({ ...(options as object), onError: onError as never, attribute: onError as never });
          for (const l of listeners) ledger.onRecord(l as never, { wait: Math.random() < 0.5 });
          const ends: unknown[] = [];
          for (const [i, spec] of runs.entries()) {
            ledger.handleChatModelStart(
              llm,
              [[spec.text as never]],
              `r${i}`,
              undefined,
              { invocation_params: spec.meta as never },
              spec.tags as never,
              spec.meta as never,
            );
          }
          for (const [i, spec] of runs.entries()) {
            const output = {
              generations: [[{ text: spec.text, message: { usage_metadata: spec.usage } }]],
              llmOutput: { tokenUsage: spec.usage },
            };
            const end = spec.error ? ledger.handleLLMError(spec.usage, `r${i}`) : ledger.handleLLMEnd(output as never, `r${i}`);
            if (end) ends.push(Promise.race([end, settle()]));
          }
          await Promise.all(ends);
          expect(ledger.totals().calls).toBe(runs.length);
          expect(internalSizes(ledger).inflight).toBe(0);
        },
      ),
      { numRuns: 150 },
    );
    await settle();
    expect(unhandled).toEqual([]);
  });
});
