import type { EncodingName } from "../encoder/index.js";
import type { ChatFormat } from "../models/index.js";
import type { ToolDefinition } from "./chat-types.js";

/** What `countMessages` answers. */
export interface MessageCount {
  /** Everything the prompt costs: messages, tools and reply priming. */
  total: number;
  /** Each message's tokens, overhead included, in input order. */
  perMessage: number[];
  tools: number;
  replyPriming: number;
  encoding: EncodingName;
  chatFormat: ChatFormat;
  /** true when some part is an estimate: images of unknown size, unknown part types, tool calls, nested tool schemas, non-OpenAI formats. */
  approximate: boolean;
}

export interface CountMessagesOptions {
  /** Default gpt-4o. */
  model?: string;
  tools?: ToolDefinition[];
}
