import type { Attributes } from "@opentelemetry/api";
import type { LlmRunRecord } from "@tokenledger/langchain";
import { isCatalogModel } from "./known-models.js";
import {
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ERROR_TYPE_VALUE_ABANDONED,
  ERROR_TYPE_VALUE_ABORTED,
  ERROR_TYPE_VALUE_BUDGET_EXCEEDED,
  GEN_AI_OPERATION_NAME_VALUE_CHAT,
  GEN_AI_OPERATION_NAME_VALUE_TEXT_COMPLETION,
  OTHER_MODEL,
  VALUE_OTHER,
} from "./semconv.js";

/** The request and response model attribute values, each capped on its own. */
export interface ModelNames {
  request: (name: string) => string;
  response: (name: string) => string;
}

/**
 * Bounds the distinct model names outside the catalog, for request and response models each;
 * catalog names (a finite set) pass as they are.
 *
 * @example
 * ```ts
 * const names = modelNames(1);
 * [names.request("a"), names.request("b"), names.request("gpt-4o")]; // ["a", "(other)", "gpt-4o"]
 * ```
 */
export function modelNames(max: number): ModelNames {
  const cap = () => {
    const seen = new Set<string>();
    return (name: string) => {
      if (seen.has(name) || isCatalogModel(name)) return name;
      if (seen.size >= max) return OTHER_MODEL;
      seen.add(name);
      return name;
    };
  };
  return { request: cap(), response: cap() };
}

/**
 * The attributes every metric point and span of a record shares: operation, provider, models
 * (capped), error type.
 *
 * @example
 * ```ts
 * metricAttributes(record, modelNames(100))["gen_ai.request.model"]; // "gpt-4o-mini"
 * ```
 */
export function metricAttributes(record: LlmRunRecord, names: ModelNames): Attributes {
  return {
    [ATTR_GEN_AI_OPERATION_NAME]: operationName(record),
    [ATTR_GEN_AI_PROVIDER_NAME]: record.provider ?? VALUE_OTHER,
    [ATTR_GEN_AI_REQUEST_MODEL]: names.request(record.model),
    ...(record.responseModel ? { [ATTR_GEN_AI_RESPONSE_MODEL]: names.response(record.responseModel) } : {}),
    ...(record.status === "error" ? { [ATTR_ERROR_TYPE]: errorType(record) } : {}),
  };
}

function operationName(record: LlmRunRecord): string {
  return record.operation === "text_completion" ? GEN_AI_OPERATION_NAME_VALUE_TEXT_COMPLETION : GEN_AI_OPERATION_NAME_VALUE_CHAT;
}

/**
 * Low-cardinality, as the conventions ask: never the error message itself.
 *
 * @example
 * ```ts
 * errorType({ ...record, status: "error", error: "429 Too Many Requests" }); // "429"
 * ```
 */
export function errorType(record: LlmRunRecord): string {
  if (record.flags.includes("aborted")) return ERROR_TYPE_VALUE_ABORTED;
  if (record.flags.includes("abandoned")) return ERROR_TYPE_VALUE_ABANDONED;
  if (record.flags.includes("budget-exceeded")) return ERROR_TYPE_VALUE_BUDGET_EXCEEDED;
  return /^\d{3}\b/.exec(record.error ?? "")?.[0] ?? VALUE_OTHER;
}
