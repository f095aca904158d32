export { BudgetExceededError, type BudgetRefusal } from "./budget-exceeded-error.js";
export {
  type BudgetContext,
  type BudgetLimit,
  type BudgetQuantity,
  type BudgetScope,
  budgetContext,
  configBudgetContext,
} from "./budget-limit.js";
export { type BudgetPeriod, periodWindow } from "./budget-period.js";
export { type BudgetCounterState, type BudgetLine, type BudgetStore, spentInWindow } from "./budget-store.js";
export { InMemoryBudgetStore } from "./in-memory-budget-store.js";
export { BUDGETS_METADATA_KEY, reportRefusal } from "./report-refusal.js";
export {
  type BudgetReservation,
  type BudgetStatus,
  type BudgetUsage,
  type ReserveRequest,
  TokenBudget,
  type TokenBudgetOptions,
} from "./token-budget.js";
export { usageOf, type WithBudgetOptions, withBudget, withBudgets } from "./with-budget.js";
