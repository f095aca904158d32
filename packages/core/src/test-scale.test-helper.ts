// For tests that have a fast unit part and a long integration part defined once (in a
// `*.test-helper.ts`): `UNIT` runs a tenth of each property's runs over a few representative
// inputs, `FULL` everything. The integration file runs `FULL`, so no case is lost.

export interface TestScale {
  /** True in the integration part. */
  readonly full: boolean;
  /** How many runs of a property written for `n`. */
  runs(n: number): number;
  /** `all` in the integration part, `few` (a subset that still meets every code path) in the unit part. */
  pick<T>(all: readonly T[], few: readonly T[]): T[];
}

export const UNIT: TestScale = { full: false, runs: (n) => Math.max(5, Math.ceil(n / 10)), pick: (_all, few) => [...few] };
export const FULL: TestScale = { full: true, runs: (n) => n, pick: (all) => [...all] };
