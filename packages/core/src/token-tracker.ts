import { type ChatMessage, contentText, countMessages } from "./count/index.js";
import type { EncodingName } from "./encoder/index.js";
import { loadedEncoder } from "./loader/index.js";
import { DEFAULT_MODEL, type ModelInfo, resolveModel } from "./models/index.js";

export interface FullTokenUsage {
  /** Tokens of the context plus the input text. */
  inputTokens: number;
  outputTokens: number;
  /** Context + input + output. */
  totalTokens: number;
  /** The context's share of `inputTokens`. */
  contextTokens: number;
}

/**
 * The API of the widely copied Python `TokenTracker` class, in TypeScript. OpenAI models
 * count context with OpenAI's current chat rule (3 per message, +1 per name, reply primed
 * with 3); other models count their message contents joined with a newline.
 *
 * Differences from the Python class: it charged 4 tokens per message plus the role plus 1,
 * which is not OpenAI's current rule (the API reports the cookbook's numbers), and it fell
 * back to cl100k_base for unknown models; this one falls back to `resolveModel`'s fallback
 * encoding (o200k_base unless changed) and reports `isOpenAI: false` for them.
 *
 * @example
 * ```ts
 * const tracker = new TokenTracker("gpt-4o");
 * tracker.countContextTokens([{ role: "user", content: "Hello" }]); // 8
 * tracker.trackFullTokenUsage("What is 2+2?", "4", history);        // { inputTokens, outputTokens, totalTokens, contextTokens }
 * ```
 */
export class TokenTracker {
  readonly model: string;
  readonly encoding: EncodingName;
  readonly isOpenAI: boolean;
  readonly info: ModelInfo;

  constructor(modelName = DEFAULT_MODEL) {
    this.info = resolveModel(modelName);
    this.model = this.info.model;
    this.encoding = this.info.encoding;
    this.isOpenAI = this.info.known && this.info.chatFormat !== "plain";
  }

  /** Tokens of a message list as context: overhead and reply priming for OpenAI models, joined contents otherwise. */
  countContextTokens(messages: ChatMessage[]): number {
    if (!Array.isArray(messages) || messages.length === 0) return 0;
    if (this.isOpenAI) return countMessages(messages, { model: this.model }).total;
    return loadedEncoder(this.encoding).count(messages.map((m) => contentText(m)).join("\n"));
  }

  /** Tokens of a (predicted or actual) output text. */
  predictOutputTokens(text: string): number {
    return loadedEncoder(this.encoding).count(typeof text === "string" ? text : "");
  }

  /** Input (context included), output and total tokens of one exchange. */
  trackFullTokenUsage(inputText: string, outputText: string, context?: ChatMessage[]): FullTokenUsage {
    const encoder = loadedEncoder(this.encoding);
    const contextTokens = context ? this.countContextTokens(context) : 0;
    const inputTokens = contextTokens + encoder.count(typeof inputText === "string" ? inputText : "");
    const outputTokens = this.predictOutputTokens(outputText);
    return { inputTokens, outputTokens, totalTokens: inputTokens + outputTokens, contextTokens };
  }
}
