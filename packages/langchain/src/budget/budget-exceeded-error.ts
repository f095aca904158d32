import type { BudgetQuantity } from "./budget-limit.js";

/** What a refusal carries: the budget that would be crossed and its numbers, in its unit (tokens, or USD). */
export interface BudgetRefusal {
  /** The budget's name. */
  budget: string;
  /** The scope key it was counted under (`"u1"` for a user budget). */
  scopeKey: string;
  quantity: BudgetQuantity;
  limit: number;
  /** Spent in the current period. */
  spent: number;
  /** Held by calls in flight. */
  reserved: number;
  /** What this call asked to reserve. */
  requested: number;
  /** When the period ends and its spending stops counting; undefined for a run's budget. */
  resetsAt: Date | undefined;
}

/**
 * Thrown by `TokenBudget.reserve` (and so by `withBudget` and `budgetMiddleware` with
 * `exitBehavior: "error"`) when a call would cross a budget. Its `name` is
 * `"BudgetExceededError"`: the ledger flags the refused model run `budget-exceeded`.
 *
 * @example
 * ```ts
 * try { await budget.reserve({ context: { userId: "u1" }, model: "gpt-4o-mini", inputTokens: 900 }); }
 * catch (e) { if (e instanceof BudgetExceededError) console.log(e.budget, e.limit, e.spent, e.reserved, e.resetsAt); }
 * ```
 */
export class BudgetExceededError extends Error implements BudgetRefusal {
  override name = "BudgetExceededError" as const;
  readonly budget: string;
  readonly scopeKey: string;
  readonly quantity: BudgetQuantity;
  readonly limit: number;
  readonly spent: number;
  readonly reserved: number;
  readonly requested: number;
  readonly resetsAt: Date | undefined;

  constructor(refusal: BudgetRefusal) {
    const unit = refusal.quantity === "usd" ? " USD" : ` ${refusal.quantity} tokens`;
    super(
      `Budget "${refusal.budget}" (${refusal.scopeKey}) refuses this call: it asks for ${refusal.requested}${unit}, ` +
        `${refusal.spent} are spent and ${refusal.reserved} reserved of the limit ${refusal.limit}; ` +
        (refusal.resetsAt ? `it resets at ${refusal.resetsAt.toISOString()}` : "it does not reset (a run's budget)"),
    );
    this.budget = refusal.budget;
    this.scopeKey = refusal.scopeKey;
    this.quantity = refusal.quantity;
    this.limit = refusal.limit;
    this.spent = refusal.spent;
    this.reserved = refusal.reserved;
    this.requested = refusal.requested;
    this.resetsAt = refusal.resetsAt;
  }
}
