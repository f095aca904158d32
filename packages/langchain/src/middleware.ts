export { type ContextWindowOptions, contextWindowMiddleware, TokenBudgetExceededError } from "./context-window-middleware.js";
