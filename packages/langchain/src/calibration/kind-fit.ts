import { inverse, nnls } from "./nnls.js";
import { type KindTokens, TEXT_KINDS } from "./text-kinds.js";

/**
 * The terms of the fit: our tokens of each kind of text, `unsplit` (our tokens of a prompt given
 * as a bare number, whose kinds are unknown), `framing` (our tokens of everything but message
 * text: per-message overhead, names, tool schemas, reply priming), then the provider's tokens per
 * message, per tool definition and per prompt.
 */
export const TERMS = [...TEXT_KINDS, "unsplit", "framing", "perMessage", "perTool", "fixed"] as const;
export type Term = (typeof TERMS)[number];
const D = TERMS.length;

/** A prompt as the fit sees it. */
export interface PromptShape {
  /** Our tokens of its message text, by kind. */
  kinds: KindTokens;
  /** Our tokens whose kind is unknown. */
  unsplit: number;
  /** Our tokens of the rest: overhead, tool schemas. */
  framing: number;
  messages: number;
  tools: number;
  /** Our count of the whole prompt. */
  total: number;
}

/** The terms' values for one prompt. */
export function termsOf(shape: PromptShape): Float64Array {
  const x = new Float64Array(D);
  TEXT_KINDS.forEach((kind, i) => {
    x[i] = shape.kinds[kind];
  });
  const k = TEXT_KINDS.length;
  x[k] = shape.unsplit;
  x[k + 1] = shape.framing;
  x[k + 2] = shape.messages;
  x[k + 3] = shape.tools;
  x[k + 4] = 1;
  return x;
}

/**
 * What is believed before any observation: each token of ours is one of the provider's, give or
 * take `ratioSd` (a quarter for a model we count approximately, next to nothing for one we count
 * exactly), and messages, tools and prompts cost nothing more, give or take a few tokens. The
 * relative residual is believed to spread by `spread`, with the weight of `PRIOR_SPREAD_WEIGHT`
 * observations.
 */
export interface FitPrior {
  ratioSd: number;
  spread: number;
}
export const APPROXIMATE_PRIOR: FitPrior = { ratioSd: 0.25, spread: 0.05 };
export const EXACT_PRIOR: FitPrior = { ratioSd: 0.005, spread: 0.002 };
const PRIOR_MEAN = Float64Array.from(TERMS, (_, i) => (i < TEXT_KINDS.length + 2 ? 1 : 0));
/** Prior standard deviations of the per-message, per-tool and per-prompt terms, in tokens. */
const PRIOR_TOKENS_SD = [8, 30, 30];
const PRIOR_SPREAD_WEIGHT = 2;

/** A least-squares fit of reported tokens on our counts by term, and what it knows of its own error. */
export interface KindFit {
  coefficients: Float64Array;
  /** Covariance of the coefficients (row-major `D x D`). */
  covariance: Float64Array;
  /** Standard deviation of the relative residual (reported / predicted - 1), over every observation. */
  spread: number;
  /**
   * The same per kind of text (and `unsplit`), each observation counted by its share of that kind:
   * a kind whose languages the fit serves unevenly (Arabic and Devanagari share `otherScript`) gets
   * the wider margin, not every prompt.
   */
  kindSpread: Float64Array;
}

/** Terms whose tokens are text of one kind (the kinds and `unsplit`): the residual spread is kept for each. */
const KIND_TERMS = TEXT_KINDS.length + 1;

/** A prompt's share of each kind term among its text tokens; all zero when it has none. */
function sharesOf(x: ArrayLike<number>): Float64Array {
  const shares = new Float64Array(KIND_TERMS);
  let text = 0;
  for (let k = 0; k < KIND_TERMS; k++) text += x[k]!;
  if (text > 0) for (let k = 0; k < KIND_TERMS; k++) shares[k] = x[k]! / text;
  return shares;
}

/**
 * Fits `reported ~ terms . coefficients` over the held observations: non-negative least squares
 * on relative errors (each row weighted by 1 / reported^2), with the prior as a ridge toward
 * `PRIOR_MEAN`, so that a term no observation has seen keeps its prior and its prior's
 * uncertainty. The residual spread and the rows' weights are refined once from the first fit.
 *
 * @example
 * ```ts
 * fitKinds([termsOf(shape)], [1200], 1, APPROXIMATE_PRIOR);
 * ```
 */
export function fitKinds(rows: ArrayLike<Float64Array>, reported: ArrayLike<number>, n: number, prior: FitPrior): KindFit {
  const sd = [...Array<number>(D - PRIOR_TOKENS_SD.length).fill(prior.ratioSd), ...PRIOR_TOKENS_SD];
  let spread = prior.spread;
  let fit: KindFit | undefined;
  for (let pass = 0; pass < 2; pass++) {
    const gram = new Float64Array(D * D);
    const h = new Float64Array(D);
    const weightScale = 1 / (spread * spread);
    for (let i = 0; i < n; i++) {
      const x = rows[i]!;
      const y = reported[i]!;
      const w = weightScale / (y * y);
      for (let a = 0; a < D; a++) {
        if (x[a] === 0) continue;
        h[a] = h[a]! + w * y * x[a]!;
        for (let b = 0; b < D; b++) gram[a * D + b] = gram[a * D + b]! + w * x[a]! * x[b]!;
      }
    }
    for (let a = 0; a < D; a++) {
      const precision = 1 / (sd[a]! * sd[a]!);
      gram[a * D + a] = gram[a * D + a]! + precision;
      h[a] = h[a]! + precision * PRIOR_MEAN[a]!;
    }
    const coefficients = nnls(gram, h, D);
    const kindSquares = new Float64Array(KIND_TERMS);
    const kindWeights = new Float64Array(KIND_TERMS);
    let squares = 0;
    for (let i = 0; i < n; i++) {
      const r2 = (reported[i]! / Math.max(1e-9, dot(rows[i]!, coefficients)) - 1) ** 2;
      squares += r2;
      const shares = sharesOf(rows[i]!);
      for (let k = 0; k < KIND_TERMS; k++) {
        kindSquares[k] = kindSquares[k]! + shares[k]! * r2;
        kindWeights[k] = kindWeights[k]! + shares[k]!;
      }
    }
    spread = Math.sqrt((squares + PRIOR_SPREAD_WEIGHT * prior.spread ** 2) / (n + PRIOR_SPREAD_WEIGHT));
    // Each kind's spread is shrunk toward the overall one: a kind seen a few times borrows it.
    const pooled = PRIOR_SPREAD_WEIGHT * spread ** 2;
    const kindSpread = kindSquares.map((sq, k) => Math.sqrt((sq + pooled) / (kindWeights[k]! + PRIOR_SPREAD_WEIGHT)));
    fit = { coefficients, covariance: inverse(gram, D), spread, kindSpread };
  }
  return fit!;
}

/**
 * The fit's prediction for a prompt and its standard deviation in tokens: the coefficients'
 * uncertainty and the residual spread of the prompt's kinds of text (mixed by their shares).
 */
export function predict(fit: KindFit, x: Float64Array): { tokens: number; sd: number } {
  const tokens = dot(x, fit.coefficients);
  let variance = 0;
  for (let a = 0; a < D; a++) {
    if (x[a] === 0) continue;
    for (let b = 0; b < D; b++) variance += x[a]! * fit.covariance[a * D + b]! * x[b]!;
  }
  const shares = sharesOf(x);
  let residual = 0;
  let covered = 0;
  for (let k = 0; k < KIND_TERMS; k++) {
    residual += shares[k]! * fit.kindSpread[k]! ** 2;
    covered += shares[k]!;
  }
  if (covered === 0) residual = fit.spread ** 2;
  variance = Math.max(0, variance) + residual * tokens ** 2;
  return { tokens, sd: Math.sqrt(variance) };
}

function dot(x: ArrayLike<number>, y: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < D; i++) sum += x[i]! * y[i]!;
  return sum;
}
