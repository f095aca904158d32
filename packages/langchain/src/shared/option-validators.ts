/**
 * Option readers: each returns the option when it is a number of the kind named, else the
 * fallback. They never throw; an option of the wrong kind takes its default.
 */

/**
 * `value` when it is a finite number > 0, else `fallback`. For sizes and bounds: an infinite
 * one would leave a map unbounded.
 *
 * @example
 * ```ts
 * finitePositiveOr(Number.POSITIVE_INFINITY, 10_000); // 10000
 * ```
 */
export function finitePositiveOr(value: unknown, fallback: number): number {
  return typeof value === "number" && Number.isFinite(value) && value > 0 ? value : fallback;
}

/**
 * `value` when it is a number > 0, infinity included, else `fallback`. For durations, where
 * infinity means "never".
 *
 * @example
 * ```ts
 * durationMsOr(Number.POSITIVE_INFINITY, 600_000); // Infinity
 * durationMsOr(0, 600_000);                        // 600000
 * ```
 */
export function durationMsOr(value: unknown, fallback: number): number {
  return typeof value === "number" && value > 0 ? value : fallback;
}

/**
 * `value` when it is a finite number >= 0, else `fallback`.
 *
 * @example
 * ```ts
 * finiteNonNegativeOr(0, 3);  // 0
 * finiteNonNegativeOr(-1, 3); // 3
 * ```
 */
export function finiteNonNegativeOr(value: unknown, fallback: number): number {
  return typeof value === "number" && Number.isFinite(value) && value >= 0 ? value : fallback;
}
