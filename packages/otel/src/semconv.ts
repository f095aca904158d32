/**
 * Every attribute name, metric name, unit and enumerated value this package records, in one
 * place, as OpenTelemetry's own instrumentations keep them. Names from the GenAI semantic
 * conventions (development status, so copied here rather than imported from
 * `@opentelemetry/semantic-conventions/incubating`); `tokenledger.*` names are this package's own.
 */

/** The kind of operation: `chat` (chat models) or `text_completion` (text LLMs). */
export const ATTR_GEN_AI_OPERATION_NAME = "gen_ai.operation.name" as const;
/** The provider, as LangChain's `ls_provider` names it. */
export const ATTR_GEN_AI_PROVIDER_NAME = "gen_ai.provider.name" as const;
/** The model name the call asked for. */
export const ATTR_GEN_AI_REQUEST_MODEL = "gen_ai.request.model" as const;
/** The model name the provider answered with. */
export const ATTR_GEN_AI_RESPONSE_MODEL = "gen_ai.response.model" as const;
/** Which tokens a `gen_ai.client.token.usage` point counts. */
export const ATTR_GEN_AI_TOKEN_TYPE = "gen_ai.token.type" as const;
/** Why the call failed, low-cardinality. */
export const ATTR_ERROR_TYPE = "error.type" as const;
/** Where a token count came from: `provider`, `provider-estimate` or `local` (tokenledger's own attribute). */
export const ATTR_TOKENLEDGER_USAGE_SOURCE = "tokenledger.usage.source" as const;

export const GEN_AI_OPERATION_NAME_VALUE_CHAT = "chat" as const;
export const GEN_AI_OPERATION_NAME_VALUE_TEXT_COMPLETION = "text_completion" as const;
export const GEN_AI_TOKEN_TYPE_VALUE_INPUT = "input" as const;
export const GEN_AI_TOKEN_TYPE_VALUE_OUTPUT = "output" as const;
/** The conventions' value for a provider or error type outside their list. */
export const VALUE_OTHER = "_OTHER" as const;
/** `error.type` of a call cancelled by its AbortSignal. */
export const ERROR_TYPE_VALUE_ABORTED = "aborted" as const;
/** `error.type` of a call whose end never came (closed by the ledger as abandoned). */
export const ERROR_TYPE_VALUE_ABANDONED = "abandoned" as const;
/** `error.type` of a call a token budget refused (the error's class name, as the conventions ask). */
export const ERROR_TYPE_VALUE_BUDGET_EXCEEDED = "BudgetExceededError" as const;

/**
 * The attribute value that stands for every unknown model name past `maxUnknownModels`.
 *
 * @example
 * ```promql
 * sum(rate(gen_ai_client_token_usage_sum{gen_ai_request_model="(other)"}[5m]))
 * ```
 */
export const OTHER_MODEL = "(other)";

/** Histogram of input and output tokens per call. */
export const METRIC_GEN_AI_CLIENT_TOKEN_USAGE = "gen_ai.client.token.usage" as const;
export const METRIC_GEN_AI_CLIENT_TOKEN_USAGE_UNIT = "{token}" as const;
export const METRIC_GEN_AI_CLIENT_TOKEN_USAGE_DESCRIPTION = "Number of input and output tokens used";
/** Histogram of call durations. */
export const METRIC_GEN_AI_CLIENT_OPERATION_DURATION = "gen_ai.client.operation.duration" as const;
export const METRIC_GEN_AI_CLIENT_OPERATION_DURATION_UNIT = "s" as const;
export const METRIC_GEN_AI_CLIENT_OPERATION_DURATION_DESCRIPTION = "GenAI operation duration";

// Span attributes (spans/): the GenAI conventions' inference span, plus tokenledger's own.

/** Input tokens of one call (the provider's, or tokenledger's count: see `tokenledger.usage.source`). */
export const ATTR_GEN_AI_USAGE_INPUT_TOKENS = "gen_ai.usage.input_tokens" as const;
export const ATTR_GEN_AI_USAGE_OUTPUT_TOKENS = "gen_ai.usage.output_tokens" as const;
/** Input tokens the provider read from its prompt cache (part of the input tokens). */
export const ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS = "gen_ai.usage.cache_read.input_tokens" as const;
/** The conversation (the record's `threadId`). */
export const ATTR_GEN_AI_CONVERSATION_ID = "gen_ai.conversation.id" as const;
/** The user (the record's `userId`), as the general `user.id` attribute. */
export const ATTR_USER_ID = "user.id" as const;
/** The tenant (the record's `tenantId`): tokenledger's own, the conventions have none. */
export const ATTR_TOKENLEDGER_TENANT_ID = "tokenledger.tenant.id" as const;
/** tokenledger's pre-call count of the whole prompt. */
export const ATTR_TOKENLEDGER_INPUT_TOKENS_ESTIMATE = "tokenledger.input_tokens.estimate" as const;
/** tokenledger's count of the messages before the newest user turn. */
export const ATTR_TOKENLEDGER_CONTEXT_TOKENS = "tokenledger.context_tokens" as const;
/** The run's cost in USD, when its model has a price. */
export const ATTR_TOKENLEDGER_COST_USD = "tokenledger.cost.usd" as const;
/** The record's flags (`late`, `abandoned`, `approximate-count`...), a string array. */
export const ATTR_TOKENLEDGER_FLAGS = "tokenledger.flags" as const;
/** LangChain's run ids of the model run, its parent and its top-level run. */
export const ATTR_TOKENLEDGER_RUN_ID = "tokenledger.run.id" as const;
export const ATTR_TOKENLEDGER_PARENT_RUN_ID = "tokenledger.run.parent_id" as const;
export const ATTR_TOKENLEDGER_ROOT_RUN_ID = "tokenledger.run.root_id" as const;
/** The budgets the run was counted against (`record.budgets`), a string array. */
export const ATTR_TOKENLEDGER_BUDGETS = "tokenledger.budgets" as const;
