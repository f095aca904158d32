import type { BaseMessage } from "@langchain/core/messages";
import { countMessages, normalizeModelName, resolveModel } from "@tokenledger/core";
import { APPROXIMATE_MARGIN } from "../counters/index.js";
import type { LlmRunRecord } from "../ledger/index.js";
import { BoundedMap } from "../shared/index.js";
import {
  APPROXIMATE_PRIOR,
  EXACT_PRIOR,
  fitKinds,
  type KindFit,
  type PromptShape,
  predict,
  TERMS,
  type Term,
  termsOf,
} from "./kind-fit.js";
import { type ObservedPrompt, type PromptSource, watchPrompts } from "./ledger-prompts.js";
import { dominantKind, shapeOfPrompt, shapeOfTotal } from "./prompt-shape.js";
import type { TextKind } from "./text-kinds.js";

/** What trimming needs from a calibration: the factor our counts are multiplied by to be safe. */
export interface TrimCalibration {
  safetyFactor(model: string): number;
  /**
   * Learns from one size the provider stated (a refusal's, say) for a prompt we counted; returns
   * whether it was taken. Optional: recovery records refusals through it when it is there.
   */
  observe?(model: string, estimatedTokens: number, reportedTokens: number, prompt?: ObservedPrompt): boolean;
}

export interface TokenCalibrationOptions {
  /** Observations kept per model (a ring: the newest replace the oldest); the fit is over these. Default 50. */
  window?: number;
  /** Models kept; beyond it the least recently observed is forgotten. Default 100. */
  maxModels?: number;
  /** Observations needed before the fit alone sets the safety factor (before, it is at least `priorFactor`). Default 3. */
  minSamples?: number;
  /**
   * The safety factor for a model whose counts are estimates, before `minSamples` calls were seen.
   * At least 1 (a smaller one is a RangeError: it is never safe). Default 1.25. A model we count
   * exactly (gpt-4o) starts at 1 and never goes below it.
   */
  priorFactor?: number;
  /** Standard deviations of the fit's prediction (its coefficients' uncertainty and its residuals) added as the margin. Default 3. */
  sigmas?: number;
}

/** A kind of text a prompt is mostly made of, or `unsplit` for prompts observed as bare numbers. */
export type CalibrationKind = TextKind | "unsplit";

/** The errors of prompts mostly of one kind of text. */
export interface KindError {
  /** Observations whose largest kind of text this is. */
  observations: number;
  /** Mean |our count - reported| / reported. */
  rawError: number;
  /** Mean |calibrated estimate - reported| / reported, the estimate made before the call (NaN until `minSamples`). */
  calibratedError: number;
}

/** One model's calibration: the provider's input tokens against our counts, fitted by kind of text. */
export interface CalibrationStats {
  model: string;
  /** Observations held (at most `window`). */
  samples: number;
  /** Observations accepted since the calibration was made, forgotten ones included. */
  seen: number;
  /** Observations refused as outliers (a reported size 8x off our count or the fit, or over the model's window). */
  rejected: number;
  /** The fit's reported / our count for the latest prompt's mix of text. */
  ratio: number;
  /** Standard deviation of the fit's relative residual. */
  spread: number;
  /** Smallest and largest reported / our count held. */
  minRatio: number;
  maxRatio: number;
  /** What trimming multiplies our counts by, for the latest prompt's mix: the fit plus `sigmas` standard deviations. */
  safetyFactor: number;
  /** Mean |estimate - reported| / reported of our raw counts, over every observation seen. */
  rawError: number;
  /**
   * The same for the calibrated estimate (the fit known before the call), over the observations
   * made once `minSamples` were held; NaN until then. This is the documented error.
   */
  calibratedError: number;
  /** The fit: provider tokens per token of ours of each kind, and per message, per tool and per prompt. */
  coefficients: Record<Term, number>;
  /** The errors by the kind of text a prompt was mostly made of. */
  byKind: Partial<Record<CalibrationKind, KindError>>;
}

/** An estimate of a prompt's provider-side size from our count and the model's calibration. */
export interface CalibratedEstimate {
  /** The fit's estimate of the provider's count (our count itself when nothing was observed). */
  tokens: number;
  /** What to budget for: `tokens` plus `margin` (for a model we count exactly, never below our count). */
  upper: number;
  /** `upper - tokens`: the fit's uncertainty for this prompt (`sigmas` standard deviations). */
  margin: number;
  /** False only for a model we count exactly whose calibration leaves our count as it is. */
  approximate: boolean;
  /** The calibrated estimate's mean relative error so far (NaN when unknown). */
  error: number;
  samples: number;
}

/** What the estimate of a message list is given besides the messages. */
export interface CalibratedEstimateOptions {
  /** Tool definitions sent with the call (OpenAI, LangChain or Anthropic shape). */
  tools?: unknown[];
}

/** A reported size this many times our count (or the fit's estimate), or less than its share, is refused. */
const OUTLIER_RATIO = 8;
/** Tokens a provider may add to any prompt, and per message, before a size counts as an outlier. */
const OUTLIER_SLACK = { fixed: 64, perMessage: 16 };

interface Tally {
  observations: number;
  rawErrorSum: number;
  calibratedErrorSum: number;
  calibrated: number;
}

interface ModelState {
  rows: Float64Array[];
  reported: Float64Array;
  ratios: Float64Array;
  next: number;
  held: number;
  seen: number;
  rejected: number;
  total: Tally;
  byKind: Map<CalibrationKind, Tally>;
  /** The latest accepted prompt: `safetyFactor` is for its mix of text. */
  latest: PromptShape;
  fit?: KindFit;
}

/**
 * A per-model calibration of our token counts against what the provider reports, for models
 * whose tokenizer is not public (Claude, Gemini, ...) or not the one we count with. It fits the
 * provider's input tokens on our count split by kind of text (CJK, other non-Latin scripts,
 * Latin, symbols and code, digits) plus terms per message, per tool and per prompt: a
 * non-negative least-squares fit over the last `window` observations, with a prior that holds
 * a kind of text no observation has shown yet. Its margin comes from the fit's own uncertainty
 * and residuals. Reported sizes that cannot be right (8x off our count or the fit, or over the
 * model's window) are refused. Feed it a ledger (`attach`) or observations of your own
 * (`observe`); give it to `trimHistory`, `createHistoryTrimmer`, `TrimmedChatMessageHistory` or
 * `contextWindowMiddleware` as `calibration`, and the budget shrinks by the safety factor of the
 * latest prompt's mix. `estimate(model, messages)` gives the calibrated size of any prompt.
 * Memory is bounded: `window` observations per model, `maxModels` models.
 *
 * @example
 * ```ts
 * const ledger = new TokenLedgerHandler();
 * const calibration = new TokenCalibration();
 * calibration.attach(ledger);
 * const trimmer = createHistoryTrimmer({ model: "claude-sonnet-4-5", maxTokens: 150_000, calibration });
 * // ... after a few calls:
 * calibration.estimate("claude-sonnet-4-5", messages); // { tokens: 1130, upper: 1162, margin: 32, approximate: true, ... }
 * calibration.stats("claude-sonnet-4-5"); // { ratio: 1.13, safetyFactor: 1.16, calibratedError: 0.012, byKind: { cjk: ... }, ... }
 * ```
 */
export class TokenCalibration implements TrimCalibration {
  readonly #window: number;
  readonly #minSamples: number;
  readonly #priorFactor: number;
  readonly #sigmas: number;
  /** Least recently observed first. */
  readonly #models: BoundedMap<string, ModelState>;
  /** Prompts of runs in flight of every attached ledger, by run id. */
  readonly #watched = new Set<BoundedMap<string, ObservedPrompt>>();

  constructor(options: TokenCalibrationOptions = {}) {
    if (typeof options !== "object" || options === null) throw new RangeError("TokenCalibration: options must be an object");
    this.#window = integerOption(options.window, "window", 50);
    this.#minSamples = integerOption(options.minSamples, "minSamples", 3);
    const maxModels = integerOption(options.maxModels, "maxModels", 100);
    this.#priorFactor = numberOption(options.priorFactor, "priorFactor", APPROXIMATE_MARGIN.factor, 1);
    this.#sigmas = numberOption(options.sigmas, "sigmas", 3, 0);
    this.#models = new BoundedMap(maxModels);
  }

  /**
   * Adds one call: our count of its prompt and the provider's reported input tokens, and the
   * prompt itself when known (its kinds of text are then fitted; without it, the count is
   * `unsplit`). Returns false (and changes nothing but the `rejected` count) for numbers that
   * cannot be a prompt size or that the outlier rule refuses.
   *
   * @example
   * ```ts
   * calibration.observe("claude-sonnet-4-5", 1000, 1130, { messages });
   * ```
   */
  observe(model: string, estimatedTokens: number, reportedTokens: number, prompt?: ObservedPrompt): boolean {
    if (!(estimatedTokens > 0 && reportedTokens > 0 && Number.isFinite(estimatedTokens) && Number.isFinite(reportedTokens))) return false;
    const shape = prompt ? shapeOfPrompt(model, prompt.messages, prompt.tools, estimatedTokens) : shapeOfTotal(estimatedTokens);
    const key = keyOf(model);
    const state = this.#models.get(key) ?? this.#newState(shape);
    this.#models.setNewest(key, state);
    const x = termsOf(shape);
    const fitted = state.held > 0 ? predict(this.#fit(state, model), x).tokens : undefined;
    if (!this.#plausible(model, reportedTokens, shape, fitted)) {
      state.rejected++;
      return false;
    }
    const kind = dominantKind(shape);
    const tallies = [state.total, state.byKind.get(kind) ?? newTally()];
    state.byKind.set(kind, tallies[1]!);
    for (const tally of tallies) {
      tally.observations++;
      tally.rawErrorSum += Math.abs(estimatedTokens - reportedTokens) / reportedTokens;
      if (fitted !== undefined && state.held >= this.#minSamples) {
        tally.calibratedErrorSum += Math.abs(fitted - reportedTokens) / reportedTokens;
        tally.calibrated++;
      }
    }
    state.rows[state.next] = x;
    state.reported[state.next] = reportedTokens;
    state.ratios[state.next] = reportedTokens / estimatedTokens;
    state.next = (state.next + 1) % this.#window;
    state.held = Math.min(state.held + 1, this.#window);
    state.seen++;
    state.latest = shape;
    state.fit = undefined;
    return true;
  }

  /**
   * Observes every finished call of a ledger: ok, not cached, with the provider's input tokens
   * and our estimate. When the ledger announces its runs' starts (`TokenLedgerHandler.onRunStart`),
   * their prompts are matched with their records by run id, so that each call is fitted by its
   * kinds of text. Returns the unsubscribe (which also stops watching prompts).
   *
   * @example
   * ```ts
   * const stop = calibration.attach(ledger);
   * ```
   */
  attach(ledger: PromptSource & { onRecord(listener: (record: LlmRunRecord) => void): () => void }): () => void {
    const watch = watchPrompts(ledger);
    this.#watched.add(watch.prompts);
    const unsubscribe = ledger.onRecord((record) => this.observeRecord(record));
    return () => {
      unsubscribe();
      watch.stop();
      this.#watched.delete(watch.prompts);
    };
  }

  /** Observes one ledger record when it has both numbers (see `attach`); returns whether it was used. */
  observeRecord(record: LlmRunRecord): boolean {
    let prompt: ObservedPrompt | undefined;
    for (const prompts of this.#watched) {
      prompt ??= prompts.get(record.runId);
      prompts.delete(record.runId);
    }
    if (record.status !== "ok" || record.cached || record.source !== "provider") return false;
    const reported = record.reported?.inputTokens;
    if (reported === undefined || record.estimatedInputTokens === undefined) return false;
    return this.observe(record.model, record.estimatedInputTokens, reported, prompt);
  }

  /**
   * The factor to multiply our counts by so that they do not fall short of the provider's, for
   * the mix of text of the latest prompt observed: the fit's estimate plus `sigmas` standard
   * deviations, over our count. Before `minSamples` calls it is at least `priorFactor` for a
   * model whose counts are flagged approximate. For a model we count exactly it is never below 1.
   */
  safetyFactor(model: string): number {
    const approximate = this.#isApproximate(model);
    const prior = approximate ? this.#priorFactor : 1;
    const state = this.#models.get(keyOf(model));
    if (!state || state.held === 0 || !(state.latest.total > 0)) return prior;
    const { tokens, sd } = predict(this.#fit(state, model), termsOf(state.latest));
    const factor = clampFactor((tokens + this.#sigmas * sd) / state.latest.total);
    const early = state.held < this.#minSamples ? Math.max(prior, factor) : factor;
    return approximate ? early : Math.max(1, early);
  }

  /**
   * A prompt's provider-side size: for a message list (and its tools), the fit by its kinds of
   * text; for a bare count of ours, the fit for the latest prompt's mix. `upper` is what to budget
   * for. Never throws.
   *
   * @example
   * ```ts
   * calibration.estimate("claude-sonnet-4-5", [new SystemMessage("Be brief."), new HumanMessage("你好")]);
   * // { tokens: 14, upper: 17, margin: 3, approximate: true, error: 0.012, samples: 20 }
   * calibration.estimate("claude-sonnet-4-5", 1000); // { tokens: 1130, upper: 1190, ... }
   * ```
   */
  estimate(model: string, prompt: number | readonly BaseMessage[], options: CalibratedEstimateOptions = {}): CalibratedEstimate {
    const state = this.#models.get(keyOf(model));
    const approximate = this.#isApproximate(model);
    const error = state && state.total.calibrated > 0 ? state.total.calibratedErrorSum / state.total.calibrated : Number.NaN;
    const samples = state?.held ?? 0;
    const ours = typeof prompt === "number" ? (Number.isFinite(prompt) && prompt > 0 ? prompt : 0) : undefined;
    const shape =
      ours === undefined ? shapeOfPrompt(model, Array.isArray(prompt) ? prompt : [], options?.tools) : scaled(state?.latest, ours);
    if (!state || state.held === 0 || !(shape.total > 0)) {
      const upper = Math.ceil(shape.total * (approximate ? this.#priorFactor : 1));
      return { tokens: shape.total, upper, margin: upper - shape.total, approximate, error, samples };
    }
    const fitted = predict(this.#fit(state, model), termsOf(shape));
    let tokens = Math.round(fitted.tokens);
    let upper = Math.ceil(clampFactor((fitted.tokens + this.#sigmas * fitted.sd) / shape.total) * shape.total);
    if (state.held < this.#minSamples && approximate) upper = Math.max(upper, Math.ceil(shape.total * this.#priorFactor));
    if (!approximate) {
      tokens = Math.max(tokens, shape.total);
      upper = Math.max(upper, tokens);
    }
    return { tokens, upper, margin: upper - tokens, approximate: approximate || tokens !== shape.total, error, samples };
  }

  /** One model's numbers, or undefined when nothing was observed for it. */
  stats(model: string): CalibrationStats | undefined {
    const key = keyOf(model);
    const state = this.#models.get(key);
    if (!state) return undefined;
    const fit = this.#fit(state, model);
    let min = Number.POSITIVE_INFINITY;
    let max = 0;
    for (let i = 0; i < state.held; i++) {
      min = Math.min(min, state.ratios[i]!);
      max = Math.max(max, state.ratios[i]!);
    }
    const coefficients = Object.fromEntries(TERMS.map((term, i) => [term, fit.coefficients[i]!])) as Record<Term, number>;
    const byKind: CalibrationStats["byKind"] = {};
    for (const [kind, tally] of state.byKind) byKind[kind] = errorsOf(tally);
    const latest = state.latest.total > 0 ? predict(fit, termsOf(state.latest)).tokens / state.latest.total : Number.NaN;
    const { rawError, calibratedError } = errorsOf(state.total);
    return {
      model: key,
      samples: state.held,
      seen: state.seen,
      rejected: state.rejected,
      ratio: latest,
      spread: fit.spread,
      minRatio: state.held > 0 ? min : Number.NaN,
      maxRatio: state.held > 0 ? max : Number.NaN,
      safetyFactor: this.safetyFactor(model),
      rawError,
      calibratedError,
      coefficients,
      byKind,
    };
  }

  /** Forgets one model, or every model. */
  reset(model?: string): void {
    if (model === undefined) this.#models.clear();
    else this.#models.delete(keyOf(model));
  }

  #newState(shape: PromptShape): ModelState {
    return {
      rows: new Array<Float64Array>(this.#window),
      reported: new Float64Array(this.#window),
      ratios: new Float64Array(this.#window),
      next: 0,
      held: 0,
      seen: 0,
      rejected: 0,
      total: newTally(),
      byKind: new Map(),
      latest: shape,
    };
  }

  #fit(state: ModelState, model: string): KindFit {
    state.fit ??= fitKinds(state.rows, state.reported, state.held, this.#isApproximate(model) ? APPROXIMATE_PRIOR : EXACT_PRIOR);
    return state.fit;
  }

  /** Whether a reported size can be this prompt's: within `OUTLIER_RATIO` of our count and of the fit, and inside the model's window. */
  #plausible(model: string, reported: number, shape: PromptShape, fitted: number | undefined): boolean {
    const slack = OUTLIER_SLACK.fixed + OUTLIER_SLACK.perMessage * shape.messages;
    const near = (expected: number) => reported <= OUTLIER_RATIO * expected + slack && reported * OUTLIER_RATIO + slack >= expected;
    if (!near(shape.total) || (fitted !== undefined && !near(fitted))) return false;
    const window = windowOf(model);
    return window === undefined || reported <= window;
  }

  #isApproximate(model: string): boolean {
    return countedApproximately(model);
  }
}

/**
 * A budget in the provider's tokens turned into one in our counts: divided by the model's
 * safety factor (unchanged without a calibration or with a factor that is not a positive
 * number). For a model we count exactly the factor is at least 1, whatever the calibration says:
 * a calibration never lets an exact count exceed the budget.
 *
 * @example
 * ```ts
 * calibratedBudget(8000, calibration, "claude-sonnet-4-5"); // 6722 when the safety factor is 1.19
 * calibratedBudget(1000, { safetyFactor: () => 0.4 }, "gpt-4o"); // 1000
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
  if (!(Number.isFinite(factor) && factor > 0)) return budget;
  if (factor < 1 && !countedApproximately(model)) factor = 1;
  return Math.floor(budget / factor);
}

/** Whether core counts a model approximately (its tokenizer is not public, or its data is not loaded); true when that cannot be told. */
function isApproximatelyCounted(model: string): boolean {
  try {
    return countMessages([{ role: "user", content: "x" }], { model }).approximate === true;
  } catch {
    return true;
  }
}

const approximateModels = new BoundedMap<string, boolean>(1_000);

/** `isApproximatelyCounted`, remembered per model. */
function countedApproximately(model: string): boolean {
  const key = keyOf(model);
  let approximate = approximateModels.get(key);
  if (approximate === undefined) {
    approximate = isApproximatelyCounted(model);
    approximateModels.set(key, approximate);
  }
  return approximate;
}

/** The model's context window when tokenledger's table knows the model. */
function windowOf(model: string): number | undefined {
  try {
    const info = resolveModel(model);
    return info.known && typeof info.contextWindow === "number" && info.contextWindow > 0 ? info.contextWindow : undefined;
  } catch {
    return undefined;
  }
}

/** The latest prompt's mix of text at another size of our count (all `unsplit` without one). */
function scaled(latest: PromptShape | undefined, total: number): PromptShape {
  if (!latest || !(latest.total > 0)) return shapeOfTotal(total);
  const k = total / latest.total;
  const kinds = { ...latest.kinds };
  for (const kind of Object.keys(kinds) as TextKind[]) kinds[kind] *= k;
  return { kinds, unsplit: latest.unsplit * k, framing: latest.framing * k, messages: latest.messages * k, tools: latest.tools, total };
}

/** Factors outside what the outlier rule lets the fit reach are cut to it. */
function clampFactor(factor: number): number {
  return Number.isFinite(factor) ? Math.min(OUTLIER_RATIO, Math.max(1 / OUTLIER_RATIO, factor)) : OUTLIER_RATIO;
}

function newTally(): Tally {
  return { observations: 0, rawErrorSum: 0, calibratedErrorSum: 0, calibrated: 0 };
}

function errorsOf(tally: Tally): KindError {
  return {
    observations: tally.observations,
    rawError: tally.observations > 0 ? tally.rawErrorSum / tally.observations : Number.NaN,
    calibratedError: tally.calibrated > 0 ? tally.calibratedErrorSum / tally.calibrated : Number.NaN,
  };
}

/** A whole-number option >= 1, or its default when not given; anything else is a RangeError. */
function integerOption(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value === "number" && Number.isInteger(value) && value >= 1) return value;
  throw new RangeError(`TokenCalibration: ${name} must be a whole number >= 1, got ${String(value)}`);
}

/** A finite option >= `min`, or its default when not given; anything else is a RangeError. */
function numberOption(value: unknown, name: string, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (typeof value === "number" && Number.isFinite(value) && value >= min) return value;
  throw new RangeError(`TokenCalibration: ${name} must be a finite number >= ${min}, got ${String(value)}`);
}

/** One calibration per model, whatever the provider calls it (`anthropic/claude-sonnet-4.5` is `claude-sonnet-4-5`). */
function keyOf(model: string): string {
  return normalizeModelName(model);
}
