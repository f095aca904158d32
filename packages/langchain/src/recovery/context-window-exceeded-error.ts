import { type ContextWindowRefusal, parseContextWindowError } from "./parse-context-window-error.js";

/**
 * A prompt the provider refused for its length, with the sizes it stated: thrown where tokenledger
 * cannot retry (the model call is in your code), or when the one retry with a smaller budget was
 * refused too. `requestedTokens` is what the provider added up (prompt plus reserved output, or the
 * prompt alone when it only states that); a size the provider did not state is undefined.
 *
 * @example
 * ```ts
 * try { await agent.invoke(input); } catch (e) {
 *   if (e instanceof ContextWindowExceededError) console.log(e.requestedTokens, e.maxTokens, e.model);
 * }
 * ```
 */
export class ContextWindowExceededError extends Error {
  override name = "ContextWindowExceededError";
  /** Prompt plus reserved output as the provider counted them (the prompt alone when only that is stated). */
  readonly requestedTokens: number | undefined;
  /** The model's context window, as the provider stated it. */
  readonly maxTokens: number | undefined;
  /** The prompt alone, when stated. */
  readonly inputTokens: number | undefined;
  /** The reserved output, when stated. */
  readonly outputTokens: number | undefined;
  /** The model the prompt was for. */
  readonly model: string;
  /** The provider's own text. */
  readonly providerMessage: string;
  /** Whether a retry with a smaller budget was made (and refused too). */
  readonly retried: boolean;

  constructor(refusal: ContextWindowRefusal, model: string, options: { retried?: boolean; cause?: unknown } = {}) {
    const requested = refusal.requestedTokens ?? refusal.inputTokens;
    const sizes =
      requested !== undefined && refusal.maxTokens !== undefined
        ? `${requested} tokens requested > ${refusal.maxTokens} window`
        : "sizes not stated by the provider";
    const retried = options.retried === true;
    super(
      `Context window exceeded for ${model} (${sizes})${retried ? ", and again after one retry with a smaller budget" : ""}: ${refusal.providerMessage}`,
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.requestedTokens = requested;
    this.maxTokens = refusal.maxTokens;
    this.inputTokens = refusal.inputTokens;
    this.outputTokens = refusal.outputTokens;
    this.model = model;
    this.providerMessage = refusal.providerMessage;
    this.retried = retried;
  }
}

/**
 * What a retry's error becomes: a refusal again is a `ContextWindowExceededError` with `retried`
 * set; any other error is returned as it is.
 *
 * @example
 * ```ts
 * try { return await call(smaller); } catch (again) { throw refusedAgain(again, "gpt-4o"); }
 * ```
 */
export function refusedAgain(error: unknown, model: string): unknown {
  const refusal = parseContextWindowError(error);
  return refusal ? new ContextWindowExceededError(refusal, model, { retried: true, cause: error }) : error;
}
