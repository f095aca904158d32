export { type ContextWindowOptions, contextWindowMiddleware, TokenBudgetExceededError } from "./context-window-middleware.js";
export { type SummaryBufferMiddlewareOptions, summaryBufferMiddleware } from "./summary-buffer-middleware.js";
