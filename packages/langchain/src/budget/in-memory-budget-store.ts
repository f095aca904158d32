import type { BudgetCounterState, BudgetLine, BudgetStore } from "./budget-store.js";
import { resetsAfter, spentInWindow } from "./budget-store.js";

interface Counter {
  budget: string;
  limit: number;
  periodStart: number;
  previousSpent: number;
  spent: number;
  reserved: number;
  forgetAfter: number;
  resetsAt: number | null;
}

interface Held {
  expiresAt: number;
  lines: Array<{ key: string; amount: number }>;
}

/**
 * The default budget store: counters and reservations in this process's memory, for one
 * process. Every method runs to its end without awaiting, so it is atomic. Bounded: a
 * reservation lives until settled, released or expired; a counter until its period is over
 * and nothing is reserved on it (`expire`, which `TokenBudget` calls).
 *
 * @example
 * ```ts
 * const budget = new TokenBudget({ limits: [...], store: new InMemoryBudgetStore() });
 * ```
 */
export class InMemoryBudgetStore implements BudgetStore {
  readonly #counters = new Map<string, Counter>();
  readonly #held = new Map<string, Held>();

  async reserve(id: string, lines: readonly BudgetLine[], expiresAt: number): Promise<number> {
    if (lines.length === 0) return -1;
    const refused = lines.findIndex((line) => {
      const c = this.#counters.get(line.key);
      const { previousSpent, spent } = c ? spentInWindow(c, line) : { previousSpent: 0, spent: 0 };
      return previousSpent + spent + (c?.reserved ?? 0) + line.amount > line.limit;
    });
    if (refused >= 0) return refused;
    for (const line of lines) this.#roll(line).reserved += line.amount;
    this.#held.set(id, { expiresAt, lines: lines.map((l) => ({ key: l.key, amount: l.amount })) });
    return -1;
  }

  async settle(id: string, lines: readonly BudgetLine[]): Promise<void> {
    this.#unhold(id);
    for (const line of lines) this.#roll(line).spent += line.amount;
  }

  async read(lines: readonly BudgetLine[]): Promise<BudgetCounterState[]> {
    return lines.map((line) => {
      const c = this.#counters.get(line.key);
      const { previousSpent, spent } = c ? spentInWindow(c, line) : { previousSpent: 0, spent: 0 };
      return {
        key: line.key,
        budget: line.budget,
        limit: line.limit,
        spent: previousSpent + spent,
        reserved: c?.reserved ?? 0,
        periodStart: Math.max(c?.periodStart ?? 0, line.periodStart),
        resetsAt: c && c.periodStart > line.periodStart ? c.resetsAt : (line.resetsAt ?? c?.resetsAt ?? null),
      };
    });
  }

  async expire(now: number): Promise<number> {
    let released = 0;
    for (const [id, held] of this.#held) {
      if (held.expiresAt < now) {
        this.#unhold(id);
        released++;
      }
    }
    for (const [key, c] of this.#counters) if (c.reserved === 0 && c.forgetAfter < now) this.#counters.delete(key);
    return released;
  }

  async list(limit = 1000): Promise<BudgetCounterState[]> {
    return [...this.#counters].slice(0, limit).map(([key, c]) => ({
      key,
      budget: c.budget,
      limit: c.limit,
      spent: c.previousSpent + c.spent,
      reserved: c.reserved,
      periodStart: c.periodStart,
      resetsAt: c.resetsAt,
    }));
  }

  async activeReservations(): Promise<number> {
    return this.#held.size;
  }

  #unhold(id: string): void {
    const held = this.#held.get(id);
    if (!held) return;
    this.#held.delete(id);
    for (const { key, amount } of held.lines) {
      const c = this.#counters.get(key);
      if (c) c.reserved -= amount;
    }
  }

  /** The counter of `line`, created or moved into the line's window. */
  #roll(line: BudgetLine): Counter {
    let c = this.#counters.get(line.key);
    if (!c) {
      c = {
        budget: line.budget,
        limit: line.limit,
        periodStart: line.periodStart,
        previousSpent: 0,
        spent: 0,
        reserved: 0,
        forgetAfter: line.forgetAfter,
        resetsAt: line.resetsAt ?? null,
      };
      this.#counters.set(line.key, c);
      return c;
    }
    const { previousSpent, spent } = spentInWindow(c, line);
    c.resetsAt = resetsAfter(c, line);
    c.previousSpent = previousSpent;
    c.spent = spent;
    c.periodStart = Math.max(c.periodStart, line.periodStart);
    c.limit = line.limit;
    c.forgetAfter = Math.max(c.forgetAfter, line.forgetAfter);
    return c;
  }
}
