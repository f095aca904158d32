export { promptTokens, textTokens, type WireMessage, type WireTool } from "./prompt-tokens.js";
export {
  type ChatRequest,
  type OpenAIServer,
  type OpenAIServerOptions,
  type Reply,
  type ServerError,
  startOpenAIServer,
  type Usage,
} from "./start-openai-server.js";
