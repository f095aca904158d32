import type { LLMResult } from "@langchain/core/outputs";
import { type RawUsage, type ValidUsage, validateReportedUsage } from "./validate-reported-usage.js";

/** The provider's usage numbers as given, validated and normalized; details only when present. */
export interface ReportedUsage extends ValidUsage {
  /** Where the numbers were found. */
  from: "usage_metadata" | "tokenUsage" | "estimatedTokenUsage";
}

export interface ProviderUsage {
  /** The numbers found, when there were any and all of them were valid. */
  reported?: ReportedUsage;
  /** Why the numbers found were not used (`validateReportedUsage`'s problems); empty when fine. */
  problems: string[];
  /** The provider's total is below its input plus output (`inconsistent-total`). */
  inconsistentTotal?: boolean;
}

/**
 * Provider usage from a model's result, in LangChain's order of trust: the message's
 * `usage_metadata`, then `llmOutput.tokenUsage`, then `llmOutput.estimatedTokenUsage`
 * (which `ChatOpenAI` computes itself when a stream carried no usage). The first place that
 * holds a non-zero input or output is the one read (empty, null or zero usage is none); if any of its numbers is invalid, none is
 * used. Never throws, whatever the result's getters do.
 *
 * @example
 * ```ts
 * readProviderUsage({ generations: [], llmOutput: { tokenUsage: { promptTokens: 9, completionTokens: 2 } } });
 * // { reported: { from: "tokenUsage", inputTokens: 9, outputTokens: 2 }, problems: [] }
 * ```
 */
export function readProviderUsage(output: LLMResult | undefined): ProviderUsage {
  let found: { from: ReportedUsage["from"]; raw: RawUsage } | undefined;
  try {
    found = findUsage(output);
  } catch {
    return { problems: ["usage: unreadable"] };
  }
  if (!found) return { problems: [] };
  const { usage, problems, inconsistentTotal } = validateReportedUsage(found.raw);
  if (problems.length > 0) return { problems };
  return { reported: { from: found.from, ...usage }, problems, ...(inconsistentTotal ? { inconsistentTotal } : {}) };
}

/**
 * A usage object that says something: a non-zero input or output (or a value to validate). Empty
 * objects, nulls and zeros, as a stream's last chunk or a proxy sends them, are no report: a call
 * that was sent always has input tokens, so 0 and 0 is missing usage, not a free call.
 */
const says = (input: unknown, output: unknown) => said(input) || said(output);
const said = (value: unknown) => value !== undefined && value !== null && value !== 0;

function findUsage(output: LLMResult | undefined): { from: ReportedUsage["from"]; raw: RawUsage } | undefined {
  const message = (output?.generations?.[0]?.[0] as { message?: { usage_metadata?: Record<string, unknown> } } | undefined)?.message;
  const metadata = message?.usage_metadata;
  if (metadata && typeof metadata === "object" && says(metadata.input_tokens, metadata.output_tokens)) {
    const input = metadata.input_token_details as Record<string, unknown> | undefined;
    const outputDetails = metadata.output_token_details as Record<string, unknown> | undefined;
    return {
      from: "usage_metadata",
      raw: {
        input: metadata.input_tokens,
        output: metadata.output_tokens,
        total: metadata.total_tokens,
        cacheRead: input?.cache_read,
        cacheCreation: input?.cache_creation,
        reasoning: outputDetails?.reasoning,
      },
    };
  }
  for (const from of ["tokenUsage", "estimatedTokenUsage"] as const) {
    const usage = output?.llmOutput?.[from] as Record<string, unknown> | undefined;
    if (usage && typeof usage === "object" && says(usage.promptTokens, usage.completionTokens)) {
      return { from, raw: { input: usage.promptTokens, output: usage.completionTokens, total: usage.totalTokens } };
    }
  }
  return undefined;
}
