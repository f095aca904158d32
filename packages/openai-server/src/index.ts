export {
  isLlama3_0,
  LLAMA3_DATE,
  llama3_0PromptTokens,
  llama3Prompt,
  llama3PromptTokens,
  llama3TextTokens,
  type TemplateMessage,
  toTemplateMessages,
  toVllmMessages,
} from "./llama3-prompt-tokens.js";
export { promptTokens, textTokens, type WireMessage, type WireTool } from "./prompt-tokens.js";
export {
  type AnthropicServer,
  type AnthropicServerOptions,
  type MessagesRequest,
  type MessagesUsage,
  startAnthropicServer,
  toChatRequest,
} from "./start-anthropic-server.js";
export {
  type ChatRequest,
  type OpenAIServer,
  type OpenAIServerOptions,
  type Refusal,
  type Reply,
  type ServerError,
  startOpenAIServer,
  type Usage,
} from "./start-openai-server.js";
