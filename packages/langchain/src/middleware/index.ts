export { type BudgetMiddlewareOptions, budgetMiddleware } from "./budget-middleware.js";
export { type ContextWindowOptions, contextWindowMiddleware, TokenBudgetExceededError } from "./context-window-middleware.js";
export { type SummaryBufferMiddlewareOptions, summaryBufferMiddleware } from "./summary-buffer-middleware.js";
