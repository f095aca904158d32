export { createSummaryBuffer } from "./create-summary-buffer.js";
export {
  DEFAULT_SUMMARY_PROMPT,
  type FitInput,
  SUMMARY_RUN_NAME,
  SUMMARY_TAG,
  type SummarizerLike,
  SummaryBuffer,
  type SummaryBufferOptions,
  type SummaryBufferResult,
} from "./summary-buffer.js";
export { SummaryBufferChatMessageHistory, type SummaryBufferHistoryOptions } from "./summary-buffer-history.js";
