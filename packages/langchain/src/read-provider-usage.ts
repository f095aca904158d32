import type { LLMResult } from "@langchain/core/outputs";

/** The provider's usage numbers as given, normalized; details only when present. */
export interface ReportedUsage {
  inputTokens?: number;
  outputTokens?: number;
  totalTokens?: number;
  cacheReadTokens?: number;
  cacheCreationTokens?: number;
  reasoningTokens?: number;
  /** Where the numbers were found. */
  from: "usage_metadata" | "tokenUsage" | "estimatedTokenUsage";
}

type UsageMetadataLike = {
  input_tokens?: number;
  output_tokens?: number;
  total_tokens?: number;
  input_token_details?: { cache_read?: number; cache_creation?: number };
  output_token_details?: { reasoning?: number };
};
type TokenUsageLike = { promptTokens?: number; completionTokens?: number; totalTokens?: number };

const num = (value: unknown): number | undefined => (typeof value === "number" && Number.isFinite(value) && value >= 0 ? value : undefined);

/**
 * Provider usage from a model's result, in LangChain's order of trust: the message's
 * `usage_metadata`, then `llmOutput.tokenUsage`, then `llmOutput.estimatedTokenUsage`
 * (which `ChatOpenAI` computes itself when a stream carried no usage).
 */
export function readProviderUsage(output: LLMResult | undefined): ReportedUsage | undefined {
  const message = (output?.generations?.[0]?.[0] as { message?: { usage_metadata?: UsageMetadataLike } } | undefined)?.message;
  const metadata = message?.usage_metadata;
  if (metadata && (num(metadata.input_tokens) !== undefined || num(metadata.output_tokens) !== undefined)) {
    return compact({
      from: "usage_metadata",
      inputTokens: num(metadata.input_tokens),
      outputTokens: num(metadata.output_tokens),
      totalTokens: num(metadata.total_tokens),
      cacheReadTokens: num(metadata.input_token_details?.cache_read),
      cacheCreationTokens: num(metadata.input_token_details?.cache_creation),
      reasoningTokens: num(metadata.output_token_details?.reasoning),
    });
  }
  for (const from of ["tokenUsage", "estimatedTokenUsage"] as const) {
    const usage = output?.llmOutput?.[from] as TokenUsageLike | undefined;
    if (usage && (num(usage.promptTokens) !== undefined || num(usage.completionTokens) !== undefined)) {
      return compact({
        from,
        inputTokens: num(usage.promptTokens),
        outputTokens: num(usage.completionTokens),
        totalTokens: num(usage.totalTokens),
      });
    }
  }
  return undefined;
}

function compact(value: ReportedUsage): ReportedUsage {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as ReportedUsage;
}
