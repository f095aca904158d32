/** Tokens per character guessed before any cost is known. */
const FIRST_SLOPE = 0.25;
/** Interpolation steps in a row that did not halve the range before one bisection. */
const SLOW_STEPS = 3;

/**
 * The first candidate within `budget`, for candidates that shrink as their index grows (candidate
 * `j + 1` is candidate `j` less some messages) up to `last`, the smallest. `cost` is exact and
 * expensive (a template rendered and encoded), `size` cheap and only roughly proportional to it
 * (characters): each step interpolates the index where the cost crosses the budget from the
 * nearest costs known on either side, and bisects (or, with nothing over the budget yet, doubles
 * the kept part) after steps that did not halve the range, so a search costs a few renders of
 * about the kept size, O(log n) at worst.
 * Undefined when even `last` is over the budget. Assumes costs fall with the index; where they do not, the candidate
 * returned is still within the budget (its cost was computed), only maybe not the first.
 *
 * @example
 * ```ts
 * const first = firstWithin(starts.length, budget, (j) => countPrompt(candidate(j)), (j) => chars[j]);
 * ```
 */
export function firstWithin(
  last: number,
  budget: number,
  cost: (j: number) => number,
  size: (j: number) => number,
): { index: number; cost: number } | undefined {
  const lastCost = cost(last);
  if (lastCost > budget) return undefined;
  let hi = last;
  let hiCost = lastCost;
  let lo = -1;
  let loCost = Number.POSITIVE_INFINITY;
  let slow = 0;
  while (hi - lo > 1) {
    let j: number;
    if (slow >= SLOW_STEPS) {
      // Bisect between the known costs; with none over the budget yet, double the kept part instead.
      j = lo >= 0 ? lo + ((hi - lo) >> 1) : Math.max(0, hi - Math.max(1, last - hi));
      slow = 0;
    } else {
      let slope = Number.NaN;
      if (lo >= 0) slope = (loCost - hiCost) / (size(lo) - size(hi));
      else if (hi !== last) slope = (hiCost - lastCost) / (size(hi) - size(last));
      if (!(slope > 0 && Number.isFinite(slope))) slope = FIRST_SLOPE;
      j = Math.min(hi - 1, firstAtMost(lo + 1, hi - 1, size(hi) + (budget - hiCost) / slope, size));
    }
    const width = hi - lo;
    const c = cost(j);
    if (c <= budget) {
      hi = j;
      hiCost = c;
    } else {
      lo = j;
      loCost = c;
    }
    slow = 2 * (hi - lo) > width ? slow + 1 : 0;
  }
  return { index: hi, cost: hiCost };
}

/** The smallest index in [from, to] whose size is at most `target` (sizes fall with the index), or `to`. */
function firstAtMost(from: number, to: number, target: number, size: (j: number) => number): number {
  let a = from;
  let b = to;
  while (a < b) {
    const mid = (a + b) >> 1;
    if (size(mid) <= target) b = mid;
    else a = mid + 1;
  }
  return a;
}

/**
 * The largest `n` in 1..count for which `fits(n)` (true for all n up to some point, then false),
 * or 0 when none: a binary search.
 */
export function largestFitting(count: number, fits: (n: number) => boolean): number {
  let a = 0;
  let b = count;
  while (a < b) {
    const mid = (a + b + 1) >> 1;
    if (fits(mid)) a = mid;
    else b = mid - 1;
  }
  return a;
}
