import type { TimeBound } from "../contract/index.js";

/**
 * A time bound as epoch milliseconds; a bad one is one clear `TypeError`.
 *
 * @example
 * ```ts
 * toEpochMs("2026-01-01T00:00:00Z", "since"); // 1767225600000
 * ```
 */
export function toEpochMs(bound: TimeBound, name: string): number {
  const ms = bound instanceof Date ? bound.getTime() : typeof bound === "string" ? Date.parse(bound) : bound;
  if (typeof ms !== "number" || !Number.isFinite(ms))
    throw new TypeError(`${name} must be epoch milliseconds, a Date or an ISO 8601 string, not ${JSON.stringify(bound)}`);
  return ms;
}
