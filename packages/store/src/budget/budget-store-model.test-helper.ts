import type { BudgetLine, BudgetStore } from "@tokenledger/langchain";
import fc from "fast-check";
import { expect } from "vitest";

/**
 * A fast-check model test of reserve / settle / release / expire sequences against a reference
 * model kept as a log of what was billed (event by event, each in the window it was billed in)
 * and the reservations held, so that it shares no code with the stores' counters.
 */

/** Three counters: two of a rolling budget (window 1000 ms), one of a fixed 5000 ms period. */
const COUNTERS = [
  { key: "rolling|u1", budget: "rolling", limit: 100, rollingMs: 1000 },
  { key: "rolling|u2", budget: "rolling", limit: 100, rollingMs: 1000 },
  { key: "fixed|*", budget: "fixed", limit: 150, periodMs: 5000 },
] as const;
const TTL = 2000;

function lineOf(index: number, now: number, amount: number): BudgetLine {
  const c = COUNTERS[index]!;
  if ("rollingMs" in c) {
    const start = Math.floor(now / c.rollingMs) * c.rollingMs;
    return {
      key: c.key,
      budget: c.budget,
      limit: c.limit,
      periodStart: start,
      previousStart: start - c.rollingMs,
      forgetAfter: start + 2 * c.rollingMs,
      amount,
      resetsAt: start + c.rollingMs,
    };
  }
  const start = Math.floor(now / c.periodMs) * c.periodMs;
  return {
    key: c.key,
    budget: c.budget,
    limit: c.limit,
    periodStart: start,
    previousStart: -1,
    forgetAfter: start + c.periodMs,
    amount,
    resetsAt: start + c.periodMs,
  };
}

class Reference {
  billed: Array<{ key: string; periodStart: number; amount: number }> = [];
  held = new Map<string, { expiresAt: number; lines: Array<{ key: string; amount: number }> }>();
  spent(line: BudgetLine): number {
    return this.billed
      .filter((e) => e.key === line.key && (e.periodStart === line.periodStart || e.periodStart === line.previousStart))
      .reduce((s, e) => s + e.amount, 0);
  }
  reserved(key: string): number {
    let sum = 0;
    for (const h of this.held.values()) for (const l of h.lines) if (l.key === key) sum += l.amount;
    return sum;
  }
}

export type Op =
  | { t: "reserve"; counters: number[]; amounts: number[] }
  | { t: "settle"; which: number; amounts: number[]; bill: boolean }
  | { t: "tick"; ms: number }
  | { t: "expire" };

const amounts = fc.array(fc.integer({ min: 0, max: 60 }), { minLength: 3, maxLength: 3 });
export const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ t: fc.constant("reserve" as const), counters: fc.subarray([0, 1, 2], { minLength: 1 }), amounts }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant("settle" as const), which: fc.nat(), amounts, bill: fc.boolean() }) },
  {
    weight: 2,
    arbitrary: fc.record({
      t: fc.constant("tick" as const),
      ms: fc.oneof(fc.integer({ min: 0, max: 400 }), fc.integer({ min: 0, max: 2500 })),
    }),
  },
  { weight: 1, arbitrary: fc.record({ t: fc.constant("expire" as const) }) },
);

export async function check(makeStore: () => BudgetStore, ops: Op[]): Promise<void> {
  const store = makeStore();
  const ref = new Reference();
  let now = 1_000_000;
  let n = 0;
  const open: string[] = [];
  try {
    for (const o of ops) {
      if (o.t === "tick") now += o.ms;
      else if (o.t === "expire") {
        let expected = 0;
        for (const [id, h] of ref.held) {
          if (h.expiresAt < now) {
            ref.held.delete(id);
            expected++;
          }
        }
        expect(await store.expire(now)).toBe(expected);
      } else if (o.t === "reserve") {
        const id = `r${++n}`;
        const lines = o.counters.map((c) => lineOf(c, now, o.amounts[c]!));
        const fits = lines.map((l) => ref.spent(l) + ref.reserved(l.key) + l.amount <= l.limit);
        const got = await store.reserve(id, lines, now + TTL);
        if (fits.every(Boolean)) {
          expect(got).toBe(-1);
          ref.held.set(id, { expiresAt: now + TTL, lines: lines.map((l) => ({ key: l.key, amount: l.amount })) });
          open.push(id);
        } else {
          expect(got).toBeGreaterThanOrEqual(0);
          expect(fits[got]).toBe(false);
        }
      } else if (open.length > 0) {
        const [id] = open.splice(o.which % open.length, 1);
        const held = ref.held.get(id!);
        // The lines of the reservation, billed in the window they settle in (expired ones too).
        const keys = held?.lines.map((l) => l.key) ?? [];
        const lines = COUNTERS.map((_c, i) => lineOf(i, now, o.bill ? o.amounts[i]! : 0)).filter(
          (l) => keys.length === 0 || keys.includes(l.key),
        );
        ref.held.delete(id!);
        for (const l of lines) ref.billed.push({ key: l.key, periodStart: l.periodStart, amount: l.amount });
        await store.settle(id!, lines);
      }
      const lines = COUNTERS.map((_, i) => lineOf(i, now, 0));
      const states = await store.read(lines);
      expect(states.map((s) => [s.spent, s.reserved, s.resetsAt])).toEqual(
        lines.map((l) => [ref.spent(l), ref.reserved(l.key), l.resetsAt]),
      );
      // Each counter keeps the reset time of its newest period (the one it is in).
      for (const counter of await store.list()) {
        const i = COUNTERS.findIndex((c) => c.key === counter.key);
        expect(counter.resetsAt).toBe(lineOf(i, counter.periodStart, 0).resetsAt);
      }
      expect(await store.activeReservations()).toBe(ref.held.size);
    }
  } finally {
    await store.close?.();
  }
}
