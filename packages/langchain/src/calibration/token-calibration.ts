import { countMessages, normalizeModelName } from "@tokenledger/core";
import { APPROXIMATE_MARGIN } from "../counters/index.js";
import type { LlmRunRecord } from "../ledger/index.js";
import { BoundedMap, finiteNonNegativeOr, finitePositiveOr } from "../shared/index.js";

/** What trimming needs from a calibration: the factor our counts are multiplied by to be safe. */
export interface TrimCalibration {
  safetyFactor(model: string): number;
}

export interface TokenCalibrationOptions {
  /** Observations kept per model (a ring: the newest replace the oldest). Default 50. */
  window?: number;
  /** Models kept; beyond it the least recently observed is forgotten. Default 100. */
  maxModels?: number;
  /** Observations needed before the observed ratio replaces `priorFactor`. Default 3. */
  minSamples?: number;
  /** The safety factor for a model whose counts are estimates, before `minSamples` calls were seen. Default 1.25. */
  priorFactor?: number;
  /** Standard deviations of the observed ratio added as a margin. Default 3. */
  sigmas?: number;
}

/** One model's calibration: the provider's input tokens over our estimate, observed call by call. */
export interface CalibrationStats {
  model: string;
  /** Observations held (at most `window`). */
  samples: number;
  /** Observations since the calibration was made, forgotten ones included. */
  seen: number;
  /** Mean of reported / estimated over the held observations. */
  ratio: number;
  /** Standard deviation of that ratio. */
  spread: number;
  minRatio: number;
  maxRatio: number;
  /** What trimming multiplies our counts by: at least the largest ratio seen, and mean + `sigmas` x spread. */
  safetyFactor: number;
  /** Mean |estimate - reported| / reported of our raw counts, over every observation seen. */
  rawError: number;
  /**
   * The same for the calibrated estimate (our count x the ratio known before the call), over the
   * observations made once `minSamples` were held; NaN until then. This is the documented error.
   */
  calibratedError: number;
}

/** An estimate of a prompt's provider-side size from our count and the model's calibration. */
export interface CalibratedEstimate {
  /** Our count x the observed mean ratio (our count itself when nothing was observed). */
  tokens: number;
  /** Our count x the safety factor: what to budget for. */
  upper: number;
  /** Always true: a calibrated count is an estimate. */
  approximate: true;
  /** The calibrated estimate's mean relative error so far (NaN when unknown). */
  error: number;
  samples: number;
}

interface ModelState {
  ratios: Float64Array;
  next: number;
  held: number;
  seen: number;
  rawErrorSum: number;
  calibratedErrorSum: number;
  calibratedSeen: number;
  cached?: { ratio: number; spread: number; min: number; max: number };
}

/**
 * A per-model calibration of our token counts against what the provider reports, for models
 * whose tokenizer is not public (Claude, Gemini, ...) or not the one we count with. Feed it
 * the ledger's records (`attach`) or observations of your own (`observe`); give it to
 * `trimHistory`, `createHistoryTrimmer`, `TrimmedChatMessageHistory` or
 * `contextWindowMiddleware` as `calibration`, and the budget shrinks by the observed ratio
 * plus a margin from its spread, so a trimmed prompt stays inside the real window. Memory is
 * bounded: `window` numbers per model, `maxModels` models.
 *
 * @example
 * ```ts
 * const ledger = new TokenLedgerHandler();
 * const calibration = new TokenCalibration();
 * calibration.attach(ledger);
 * const trimmer = createHistoryTrimmer({ model: "claude-sonnet-4-5", maxTokens: 150_000, calibration });
 * // ... after a few calls:
 * calibration.stats("claude-sonnet-4-5"); // { ratio: 1.13, spread: 0.02, safetyFactor: 1.19, calibratedError: 0.012, ... }
 * ```
 */
export class TokenCalibration implements TrimCalibration {
  readonly #window: number;
  readonly #minSamples: number;
  readonly #priorFactor: number;
  readonly #sigmas: number;
  /** Least recently observed first. */
  readonly #models: BoundedMap<string, ModelState>;
  /** Whether a model's counts are flagged approximate, per model key. */
  readonly #approximate: BoundedMap<string, boolean>;

  constructor(options: TokenCalibrationOptions = {}) {
    this.#window = Math.max(1, Math.floor(finitePositiveOr(options.window, 50)));
    this.#minSamples = Math.max(1, Math.floor(finitePositiveOr(options.minSamples, 3)));
    this.#priorFactor = finitePositiveOr(options.priorFactor, APPROXIMATE_MARGIN.factor);
    this.#sigmas = finiteNonNegativeOr(options.sigmas, 3);
    const maxModels = Math.max(1, Math.floor(finitePositiveOr(options.maxModels, 100)));
    this.#models = new BoundedMap(maxModels);
    this.#approximate = new BoundedMap(maxModels);
  }

  /**
   * Adds one call: our estimate of its prompt and the provider's reported input tokens.
   * Returns false (and changes nothing) for numbers that cannot be a prompt size.
   */
  observe(model: string, estimatedTokens: number, reportedTokens: number): boolean {
    if (!(estimatedTokens > 0 && reportedTokens > 0 && Number.isFinite(estimatedTokens) && Number.isFinite(reportedTokens))) return false;
    const key = keyOf(model);
    const state = this.#models.get(key) ?? {
      ratios: new Float64Array(this.#window),
      next: 0,
      held: 0,
      seen: 0,
      rawErrorSum: 0,
      calibratedErrorSum: 0,
      calibratedSeen: 0,
    };
    this.#models.setNewest(key, state);

    if (state.held >= this.#minSamples) {
      state.calibratedErrorSum += Math.abs(estimatedTokens * summary(state).ratio - reportedTokens) / reportedTokens;
      state.calibratedSeen++;
    }
    state.rawErrorSum += Math.abs(estimatedTokens - reportedTokens) / reportedTokens;
    state.ratios[state.next] = reportedTokens / estimatedTokens;
    state.next = (state.next + 1) % this.#window;
    state.held = Math.min(state.held + 1, this.#window);
    state.seen++;
    state.cached = undefined;
    return true;
  }

  /**
   * Observes every finished call of a ledger: ok, not cached, with the provider's input tokens
   * and our estimate. Returns the unsubscribe.
   *
   * @example
   * ```ts
   * const stop = calibration.attach(ledger);
   * ```
   */
  attach(ledger: { onRecord(listener: (record: LlmRunRecord) => void): () => void }): () => void {
    return ledger.onRecord((record) => this.observeRecord(record));
  }

  /** Observes one ledger record when it has both numbers (see `attach`); returns whether it was used. */
  observeRecord(record: LlmRunRecord): boolean {
    if (record.status !== "ok" || record.cached || record.source !== "provider") return false;
    const reported = record.reported?.inputTokens;
    if (reported === undefined || record.estimatedInputTokens === undefined) return false;
    return this.observe(record.model, record.estimatedInputTokens, reported);
  }

  /**
   * The factor to multiply our counts by so that they do not fall short of the provider's:
   * `priorFactor` for a model whose counts are flagged approximate (1 for exact ones) until
   * `minSamples` calls were seen; then the larger of the largest observed ratio and
   * mean + `sigmas` x standard deviation.
   */
  safetyFactor(model: string): number {
    const state = this.#models.get(keyOf(model));
    const prior = this.#isApproximate(model) ? this.#priorFactor : 1;
    if (!state || state.held === 0) return prior;
    const { ratio, spread, max } = summary(state);
    const observed = Math.max(max, ratio + this.#sigmas * spread);
    return state.held < this.#minSamples ? Math.max(prior, observed) : observed;
  }

  /**
   * Our count turned into an estimate of the provider's, with an upper bound to budget for.
   *
   * @example
   * ```ts
   * calibration.estimate("claude-sonnet-4-5", countMessages(chat, { model: "claude-sonnet-4-5" }).total);
   * // { tokens: 1130, upper: 1190, approximate: true, error: 0.012, samples: 20 }
   * ```
   */
  estimate(model: string, estimatedTokens: number): CalibratedEstimate {
    const state = this.#models.get(keyOf(model));
    const ratio = state && state.held > 0 ? summary(state).ratio : 1;
    const error = state && state.calibratedSeen > 0 ? state.calibratedErrorSum / state.calibratedSeen : Number.NaN;
    return {
      tokens: Math.round(estimatedTokens * ratio),
      upper: Math.ceil(estimatedTokens * this.safetyFactor(model)),
      approximate: true,
      error,
      samples: state?.held ?? 0,
    };
  }

  /** One model's numbers, or undefined when nothing was observed for it. */
  stats(model: string): CalibrationStats | undefined {
    const key = keyOf(model);
    const state = this.#models.get(key);
    if (!state) return undefined;
    const { ratio, spread, min, max } = summary(state);
    return {
      model: key,
      samples: state.held,
      seen: state.seen,
      ratio,
      spread,
      minRatio: min,
      maxRatio: max,
      safetyFactor: this.safetyFactor(model),
      rawError: state.rawErrorSum / state.seen,
      calibratedError: state.calibratedSeen > 0 ? state.calibratedErrorSum / state.calibratedSeen : Number.NaN,
    };
  }

  /** Forgets one model, or every model. */
  reset(model?: string): void {
    if (model === undefined) this.#models.clear();
    else this.#models.delete(keyOf(model));
  }

  #isApproximate(model: string): boolean {
    const key = keyOf(model);
    let approximate = this.#approximate.get(key);
    if (approximate === undefined) {
      approximate = countMessages([{ role: "user", content: "x" }], { model }).approximate === true;
      this.#approximate.set(key, approximate);
    }
    return approximate;
  }
}

/**
 * A budget in the provider's tokens turned into one in our counts: divided by the model's
 * safety factor (unchanged without a calibration or with a factor that is not a positive number).
 *
 * @example
 * ```ts
 * calibratedBudget(8000, calibration, "claude-sonnet-4-5"); // 6722 when the safety factor is 1.19
 * ```
 */
export function calibratedBudget(budget: number, calibration: TrimCalibration | undefined, model: string): number {
  if (!calibration) return budget;
  let factor: number;
  try {
    factor = calibration.safetyFactor(model);
  } catch {
    return budget;
  }
  return Number.isFinite(factor) && factor > 0 ? Math.floor(budget / factor) : budget;
}

function summary(state: ModelState): NonNullable<ModelState["cached"]> {
  if (state.cached) return state.cached;
  let sum = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = 0;
  for (let i = 0; i < state.held; i++) {
    const r = state.ratios[i]!;
    sum += r;
    if (r < min) min = r;
    if (r > max) max = r;
  }
  const ratio = sum / state.held;
  let squares = 0;
  for (let i = 0; i < state.held; i++) squares += (state.ratios[i]! - ratio) ** 2;
  state.cached = { ratio, spread: state.held > 1 ? Math.sqrt(squares / (state.held - 1)) : 0, min, max };
  return state.cached;
}

/** One calibration per model, whatever the provider calls it (`anthropic/claude-sonnet-4.5` is `claude-sonnet-4-5`). */
function keyOf(model: string): string {
  return normalizeModelName(model);
}
