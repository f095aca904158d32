export { callWithRetry, type RefusalMemory } from "./call-with-retry.js";
export { createHistoryTrimmer } from "./create-history-trimmer.js";
export { promptBudget } from "./prompt-budget.js";
export { type TemplateRules, templateRulesOf } from "./template-rules.js";
export type { MessageTypeOrClass } from "./tool-call-units.js";
export { TrimError } from "./trim-error.js";
export { type TrimOptions, trimHistory, trimHistoryAsync } from "./trim-history.js";
export { TrimmedChatMessageHistory, type TrimmedHistoryOptions } from "./trimmed-chat-message-history.js";
