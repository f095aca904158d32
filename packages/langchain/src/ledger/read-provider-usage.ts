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
}

/**
 * Provider usage from a model's result, in LangChain's order of trust: the message's
 * `usage_metadata`, then `llmOutput.tokenUsage`, then `llmOutput.estimatedTokenUsage`
 * (which `ChatOpenAI` computes itself when a stream carried no usage). The first place that
 * holds input or output numbers is the one read; if any of its numbers is invalid, none is
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
  const { usage, problems } = validateReportedUsage(found.raw);
  return problems.length > 0 ? { problems } : { reported: { from: found.from, ...usage }, problems };
}

const present = (value: unknown) => value !== undefined && value !== null;

function findUsage(output: LLMResult | undefined): { from: ReportedUsage["from"]; raw: RawUsage } | undefined {
  const message = (output?.generations?.[0]?.[0] as { message?: { usage_metadata?: Record<string, unknown> } } | undefined)?.message;
  const metadata = message?.usage_metadata;
  if (metadata && typeof metadata === "object" && (present(metadata.input_tokens) || present(metadata.output_tokens))) {
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
    if (usage && typeof usage === "object" && (present(usage.promptTokens) || present(usage.completionTokens))) {
      return { from, raw: { input: usage.promptTokens, output: usage.completionTokens, total: usage.totalTokens } };
    }
  }
  return undefined;
}
