import type { EncodingName } from "../encoder/index.js";
import type { ChatFormat } from "../models/index.js";
import type { ToolDefinition } from "./chat-types.js";

/**
 * What `countMessages` answers. The parts always add up: `perMessage` summed, plus `tools`,
 * plus `replyPriming`, is `total`.
 */
export interface MessageCount {
  /** Everything the prompt costs: messages, tools and reply priming. */
  total: number;
  /**
   * Each message's tokens, overhead included, in input order.
   * - OpenAI's formats: the message's framing (3 tokens, +1 for a `name`), its content and tool calls.
   * - `template` (open-weight models): how much the message adds to the rendered conversation
   *   (without tools or generation prompt): the first `i + 1` messages rendered, less the first `i`.
   *   The template's framing goes with the message that brings it: BOS and a default system header
   *   (Llama 3.1+'s dates) with the first message, each turn's header and end-of-turn token with
   *   that turn. A prefix the template refuses to render adds 0 and its tokens count with the next.
   *   A message whose prefix renders shorter than the one before (Mistral NeMo takes the system
   *   prompt out of the last user turn once a reply follows) adds 0, the difference taken off the
   *   parts before it. No part is negative.
   * - `plain`: the message's text with the separator that follows it.
   */
  perMessage: number[];
  /**
   * The tool definitions: OpenAI's cookbook rule, or, for `template`, how much the tools add to
   * the rendered conversation, never negative: when a template renders a message differently with
   * tools (Llama 3.1+ moves the first user message into the tools block as `user`) and the prompt
   * gets shorter, this is 0 and the difference is taken from that message's part.
   */
  tools: number;
  /** What primes the reply: OpenAI's 3 tokens, or the template's generation prompt; 0 for `plain`. */
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
