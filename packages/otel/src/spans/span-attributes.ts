import type { Attributes } from "@opentelemetry/api";
import type { LlmRunRecord } from "@tokenledger/langchain";
import { type ModelNames, metricAttributes } from "../record-attributes.js";
import {
  ATTR_GEN_AI_CONVERSATION_ID,
  ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  ATTR_TOKENLEDGER_BUDGETS,
  ATTR_TOKENLEDGER_CONTEXT_TOKENS,
  ATTR_TOKENLEDGER_COST_USD,
  ATTR_TOKENLEDGER_FLAGS,
  ATTR_TOKENLEDGER_INPUT_TOKENS_ESTIMATE,
  ATTR_TOKENLEDGER_PARENT_RUN_ID,
  ATTR_TOKENLEDGER_ROOT_RUN_ID,
  ATTR_TOKENLEDGER_RUN_ID,
  ATTR_TOKENLEDGER_TENANT_ID,
  ATTR_TOKENLEDGER_USAGE_SOURCE,
  ATTR_USER_ID,
} from "../semconv.js";

/**
 * A model run's span attributes: the GenAI conventions' (operation, provider, models, usage,
 * error type, conversation), `user.id`, and tokenledger's own under `tokenledger.` (estimate,
 * context tokens, source, cost, flags, run ids, tenant, budgets).
 *
 * @example
 * ```ts
 * spanAttributes(record, modelNames(100))["gen_ai.usage.input_tokens"]; // 103
 * ```
 */
export function spanAttributes(record: LlmRunRecord, names: ModelNames): Attributes {
  const attributes: Attributes = {
    ...metricAttributes(record, names),
    [ATTR_GEN_AI_USAGE_INPUT_TOKENS]: record.inputTokens,
    [ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]: record.outputTokens,
    [ATTR_TOKENLEDGER_USAGE_SOURCE]: record.source,
    [ATTR_TOKENLEDGER_CONTEXT_TOKENS]: record.contextTokens,
    [ATTR_TOKENLEDGER_FLAGS]: [...record.flags],
    [ATTR_TOKENLEDGER_RUN_ID]: record.runId,
    [ATTR_TOKENLEDGER_ROOT_RUN_ID]: record.rootRunId,
  };
  const optional: Array<[string, string | number | string[] | undefined]> = [
    [ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS, record.reported?.cacheReadTokens],
    [ATTR_TOKENLEDGER_INPUT_TOKENS_ESTIMATE, record.estimatedInputTokens],
    [ATTR_TOKENLEDGER_COST_USD, record.costUsd],
    [ATTR_TOKENLEDGER_PARENT_RUN_ID, record.parentRunId],
    [ATTR_USER_ID, record.userId],
    [ATTR_GEN_AI_CONVERSATION_ID, record.threadId],
    [ATTR_TOKENLEDGER_TENANT_ID, record.tenantId],
    [ATTR_TOKENLEDGER_BUDGETS, record.budgets ? [...record.budgets] : undefined],
  ];
  for (const [name, value] of optional) if (value !== undefined) attributes[name] = value;
  return attributes;
}
