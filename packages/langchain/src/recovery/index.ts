export { ContextWindowExceededError, refusedAgain } from "./context-window-exceeded-error.js";
export { type ContextWindowRefusal, parseContextWindowError, type RefusalFormat } from "./parse-context-window-error.js";
export {
  BLIND_RETRY_SHARE,
  countOf,
  inputLimit,
  planRetry,
  promptCount,
  RETRY_HEADROOM,
  type RetryInput,
  type RetryPlan,
} from "./plan-retry.js";
export { type RefusalListener, withRefusalRetry } from "./with-refusal-retry.js";
