import type { ToolDefinition } from "@tokenledger/core";
import { chatModelName, counterRules } from "../counters/index.js";
import { TrimError } from "./trim-error.js";

/**
 * `trimHistory`'s option hook: a chat model instance, or a counter from `createTokenCounter`,
 * given as `tokenCounter` becomes the model whose rules the trim counts with (its own exact,
 * cached path); any other counter is left as it is.
 *
 * @example
 * ```ts
 * resolveCounterOption({ maxTokens: 100, tokenCounter: new ChatOpenAI({ model: "gpt-4o" }) });
 * // { maxTokens: 100, tokenCounter: undefined, model: "gpt-4o" }
 * ```
 */
export function resolveCounterOption<T extends { tokenCounter?: unknown; model?: string; tools?: ToolDefinition[] }>(options: T): T {
  const counter = options?.tokenCounter;
  if (counter === undefined || counter === null) return options;
  const rules = counterRules(counter);
  if (typeof counter === "function" && !rules) return options;
  const model = rules?.model ?? chatModelName(counter);
  if (model === undefined) {
    throw new TrimError("tokenCounter: give a function of messages, a chat model with a model name, or createTokenCounter('gpt-4o')");
  }
  const tools = options.tools ?? (rules && rules.tools.length > 0 ? rules.tools : undefined);
  return { ...options, tokenCounter: undefined, model, ...(tools ? { tools } : {}) };
}
