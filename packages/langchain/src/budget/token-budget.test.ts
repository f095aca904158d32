import { HumanMessage } from "@langchain/core/messages";
import { countMessages } from "@tokenledger/core";
import { describe, expect, it } from "vitest";
import { TokenCalibration } from "../calibration/index.js";
import { BudgetExceededError } from "./budget-exceeded-error.js";
import type { BudgetLimit } from "./budget-limit.js";
import { InMemoryBudgetStore } from "./in-memory-budget-store.js";
import { TokenBudget } from "./token-budget.js";

const DAY = Date.parse("2026-12-05T10:00:00Z");
const userDaily: BudgetLimit = { name: "user-daily", scope: "user", period: "day", quantity: "total", limit: 1000 };

function clock(start = DAY) {
  const c = { t: start, now: () => c.t };
  return c;
}

describe("TokenBudget", () => {
  it("reserves input + max output, refuses the call that would cross, with the numbers and the reset time", async () => {
    const budget = new TokenBudget({ limits: [userDaily], now: clock().now });
    const held = await budget.reserve({ context: { userId: "u1" }, model: "gpt-4o-mini", inputTokens: 300, maxOutputTokens: 200 });
    expect(held.estimate).toEqual({ inputTokens: 300, outputTokens: 200 });
    expect(held.budgets).toEqual(["user-daily"]);
    const refusal = await budget
      .reserve({ context: { userId: "u1" }, model: "gpt-4o-mini", inputTokens: 400, maxOutputTokens: 200 })
      .catch((e) => e);
    expect(refusal).toBeInstanceOf(BudgetExceededError);
    expect(refusal).toMatchObject({
      name: "BudgetExceededError",
      budget: "user-daily",
      scopeKey: "u1",
      limit: 1000,
      spent: 0,
      reserved: 500,
      requested: 600,
    });
    expect(refusal.resetsAt.toISOString()).toBe("2026-12-06T00:00:00.000Z");
    expect(refusal.message).toContain('Budget "user-daily"');
    // Another user has their own counter.
    await budget.reserve({ context: { userId: "u2" }, model: "gpt-4o-mini", inputTokens: 400, maxOutputTokens: 200 });
    await held.settle({ inputTokens: 300, outputTokens: 50 });
    expect(await budget.status({ userId: "u1" })).toEqual([
      {
        budget: "user-daily",
        scopeKey: "u1",
        quantity: "total",
        limit: 1000,
        spent: 350,
        reserved: 0,
        resetsAt: new Date("2026-12-06T00:00:00Z"),
      },
    ]);
    await held.settle({ inputTokens: 999, outputTokens: 999 }); // a second settle does nothing
    expect((await budget.status({ userId: "u1" }))[0]!.spent).toBe(350);
  });

  it("several budgets: the first that would be crossed decides, and none is held then", async () => {
    const budget = new TokenBudget({
      limits: [userDaily, { name: "tenant-input", scope: "tenant", period: "month", quantity: "input", limit: 250 }],
      now: clock().now,
    });
    const error = await budget
      .reserve({ context: { userId: "u1", tenantId: "acme" }, model: "gpt-4o-mini", inputTokens: 300, maxOutputTokens: 10 })
      .catch((e) => e);
    expect(error).toMatchObject({ budget: "tenant-input", requested: 300 });
    expect(await budget.status({ userId: "u1", tenantId: "acme" })).toMatchObject([{ reserved: 0 }, { reserved: 0 }]);
    expect(await budget.store.activeReservations()).toBe(0);
    const both = await budget.reserve({
      context: { userId: "u1", tenantId: "acme" },
      model: "gpt-4o-mini",
      inputTokens: 200,
      maxOutputTokens: 10,
    });
    expect(both.budgets).toEqual(["user-daily", "tenant-input"]);
  });

  it("release frees the reservation; a reservation never settled expires after its TTL", async () => {
    const c = clock();
    const budget = new TokenBudget({ limits: [userDaily], now: c.now, reservationTtlMs: 60_000 });
    const a = await budget.reserve({ context: { userId: "u1" }, model: "gpt-4o-mini", inputTokens: 500, maxOutputTokens: 400 });
    await a.release();
    const b = await budget.reserve({ context: { userId: "u1" }, model: "gpt-4o-mini", inputTokens: 500, maxOutputTokens: 400 });
    expect(b.expiresAt.getTime()).toBe(DAY + 60_000);
    await expect(
      budget.reserve({ context: { userId: "u1" }, model: "gpt-4o-mini", inputTokens: 100, maxOutputTokens: 100 }),
    ).rejects.toThrow(BudgetExceededError);
    c.t += 60_001; // the process holding b died
    await budget.reserve({ context: { userId: "u1" }, model: "gpt-4o-mini", inputTokens: 100, maxOutputTokens: 100 });
    expect(await budget.store.activeReservations()).toBe(1);
    // A late settle still bills what was used (the call did happen).
    await b.settle({ inputTokens: 500, outputTokens: 20 });
    expect((await budget.status({ userId: "u1" }))[0]).toMatchObject({ spent: 520, reserved: 200 });
  });

  it("a new day starts from zero; the error names the reset", async () => {
    const c = clock();
    const budget = new TokenBudget({ limits: [userDaily], now: c.now });
    const held = await budget.reserve({ context: { userId: "u1" }, model: "gpt-4o-mini", inputTokens: 900, maxOutputTokens: 100 });
    await held.settle({ inputTokens: 900, outputTokens: 100 });
    await expect(budget.reserve({ context: { userId: "u1" }, model: "gpt-4o-mini", inputTokens: 1, maxOutputTokens: 0 })).rejects.toThrow(
      /resets at 2026-12-06T00:00:00.000Z/,
    );
    c.t = Date.parse("2026-12-06T00:00:01Z");
    await budget.reserve({ context: { userId: "u1" }, model: "gpt-4o-mini", inputTokens: 900, maxOutputTokens: 100 });
  });

  it("counts messages exactly by the model's rules; estimates for closed tokenizers get the calibration's margin", async () => {
    const budget = new TokenBudget({ limits: [{ ...userDaily, limit: 1e9 }], now: clock().now });
    const messages = [new HumanMessage("How many tokens is this sentence, exactly?")];
    const exact = countMessages([{ role: "user", content: "How many tokens is this sentence, exactly?" }], { model: "gpt-4o-mini" }).total;
    const held = await budget.reserve({ context: { userId: "u1" }, model: "gpt-4o-mini", messages, maxOutputTokens: 10 });
    expect(held.estimate.inputTokens).toBe(exact);
    const claude = await budget.reserve({
      context: { userId: "u1" },
      model: "claude-sonnet-4-5",
      inputTokens: 1000,
      approximate: true,
      maxOutputTokens: 10,
    });
    expect(claude.estimate.inputTokens).toBe(1250);
    const calibration = new TokenCalibration();
    for (let i = 0; i < 5; i++) calibration.observe("claude-sonnet-4-5", 1000, 1100);
    const calibrated = new TokenBudget({ limits: [{ ...userDaily, limit: 1e9 }], calibration, now: clock().now });
    const est = await calibrated.reserve({
      context: { userId: "u1" },
      model: "claude-sonnet-4-5",
      inputTokens: 1000,
      approximate: true,
      maxOutputTokens: 10,
    });
    expect(est.estimate.inputTokens).toBe(Math.ceil(1000 * calibration.safetyFactor("claude-sonnet-4-5")));
    // Without a max output, the model table's is reserved.
    const table = await budget.reserve({ context: { userId: "u1" }, model: "gpt-4o-mini", inputTokens: 1 });
    expect(table.estimate.outputTokens).toBe(16_384);
  });

  it("USD budgets at the ledger's prices, in nano-dollars rounded up", async () => {
    const budget = new TokenBudget({
      limits: [{ name: "usd", scope: "global", period: "month", quantity: "usd", limit: 0.01 }],
      pricing: { "my-model": { input_cost_per_token: 1e-6, output_cost_per_token: 4e-6 } },
      now: clock().now,
    });
    const held = await budget.reserve({ model: "my-model", inputTokens: 1000, maxOutputTokens: 1000 }); // $0.005
    const refused = await budget.reserve({ model: "my-model", inputTokens: 1000, maxOutputTokens: 1500 }).catch((e) => e); // $0.007
    expect(refused).toMatchObject({ budget: "usd", quantity: "usd", limit: 0.01, reserved: 0.005, requested: 0.007 });
    await held.settle({ inputTokens: 1000, outputTokens: 10 });
    expect((await budget.status())[0]).toMatchObject({ spent: 0.00104, reserved: 0 });
    await expect(budget.reserve({ model: "no-such-model", inputTokens: 1 })).rejects.toThrow(/has no price/);
  });

  it("scopes: a missing id is a clear error, a function may skip, run budgets need a run id", async () => {
    const budget = new TokenBudget({
      limits: [
        userDaily,
        {
          name: "premium",
          scope: (c) => (c.metadata?.plan === "premium" ? String(c.userId) : undefined),
          period: { rollingMs: 3_600_000 },
          quantity: "output",
          limit: 5,
        },
        { name: "per-run", scope: "global", period: "run", quantity: "total", limit: 100 },
      ],
      now: clock().now,
    });
    await expect(budget.reserve({ context: {}, model: "gpt-4o-mini", inputTokens: 1 })).rejects.toThrow(
      /counts per user, but the call has no userId/,
    );
    await expect(budget.reserve({ context: { userId: "u1" }, model: "gpt-4o-mini", inputTokens: 1, maxOutputTokens: 1 })).rejects.toThrow(
      /no runId/,
    );
    const ok = await budget.reserve({ context: { userId: "u1", runId: "r1" }, model: "gpt-4o-mini", inputTokens: 1, maxOutputTokens: 10 });
    expect(ok.budgets).toEqual(["user-daily", "per-run"]);
    // No budget applies: nothing is held, and the reservation settles as a no-op.
    const only = new TokenBudget({ limits: [{ name: "p", scope: () => undefined, period: "day", quantity: "total", limit: 1 }] });
    const none = await only.reserve({ model: "gpt-4o-mini", inputTokens: 5, maxOutputTokens: 5 });
    expect(none.budgets).toEqual([]);
    expect(await only.store.activeReservations()).toBe(0);
    await none.settle({ inputTokens: 5, outputTokens: 5 });
    await expect(
      budget.reserve({
        context: { userId: "u1", runId: "r1", metadata: { plan: "premium" } },
        model: "gpt-4o-mini",
        inputTokens: 1,
        maxOutputTokens: 10,
      }),
    ).rejects.toMatchObject({ budget: "premium" });
  });

  it("rejects bad limits when built", () => {
    expect(() => new TokenBudget({ limits: [] })).toThrow(TypeError);
    expect(() => new TokenBudget({ limits: [userDaily, userDaily] })).toThrow(/two limits/);
    expect(() => new TokenBudget({ limits: [{ ...userDaily, limit: -1 }] })).toThrow(RangeError);
    expect(() => new TokenBudget({ limits: [{ ...userDaily, timeZone: "Mars/Olympus" }] })).toThrow(/time zone/);
    expect(() => new TokenBudget({ limits: [{ ...userDaily, period: "week" as never }] })).toThrow(/period/);
  });

  it("uses the given store", async () => {
    const store = new InMemoryBudgetStore();
    const budget = new TokenBudget({ limits: [userDaily], store, now: clock().now });
    await budget.reserve({ context: { userId: "u1" }, model: "gpt-4o-mini", inputTokens: 10, maxOutputTokens: 10 });
    expect(await store.list()).toMatchObject([{ key: "user-daily|u1", reserved: 20 }]);
  });
});
