/**
 * Every attribute name, metric name, unit and enumerated value this package records, in one
 * place, as OpenTelemetry's own instrumentations keep them. Names from the GenAI semantic
 * conventions (development status, so copied here rather than imported from
 * `@opentelemetry/semantic-conventions/incubating`); `tokenledger.*` names are this package's own.
 */

/** The kind of operation: always `chat` here. */
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
export const GEN_AI_TOKEN_TYPE_VALUE_INPUT = "input" as const;
export const GEN_AI_TOKEN_TYPE_VALUE_OUTPUT = "output" as const;
/** The conventions' value for a provider or error type outside their list. */
export const VALUE_OTHER = "_OTHER" as const;
/** `error.type` of a call cancelled by its AbortSignal. */
export const ERROR_TYPE_VALUE_ABORTED = "aborted" as const;
/** `error.type` of a call whose end never came (closed by the ledger as abandoned). */
export const ERROR_TYPE_VALUE_ABANDONED = "abandoned" as const;

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
