// Counting: texts (`countTokens`), chat prompts (`countMessages`: OpenAI's rules, the plain rule
// or the model's own template) and tool definitions.
export type { ChatMessage, ContentPart, ToolCall, ToolDefinition } from "./chat-types.js";
export { countMessages } from "./count-messages.js";
export { countPromptAndContext, countPromptTotal, type PromptAndContext, type PromptTotal } from "./count-prompt-total.js";
export { type CountOptions, countTokens } from "./count-tokens.js";
export { encoderForModel } from "./encoder-for-model.js";
export { type LangChainMessageLike, langChainMessageType, langChainToChatMessage, type MessageFlag } from "./langchain-messages.js";
export type { CountMessagesOptions, MessageCount } from "./message-count.js";
export { contentText } from "./plain-format.js";
