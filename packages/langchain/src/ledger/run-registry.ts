/** What the registry needs of a model run in flight. */
export interface RunInFlight {
  runId: string;
  rootRunId: string;
  startedAt: number;
}

export interface RunRegistryOptions {
  /** Runs (and parent runs) with no end event after this long are given up. */
  staleAfterMs: number;
  /** Most model runs (and, separately, parent runs) held at once; beyond it the oldest are given up. */
  maxPending: number;
}

/**
 * The runs in flight: model runs by id, and the lineage of the parent runs (chains, tools,
 * retrievers) that maps every run to its root. Bounded: `stale()` hands back the model runs
 * whose end never came (after `staleAfterMs`, or the oldest beyond `maxPending`) and forgets
 * such parents.
 *
 * @example
 * ```ts
 * const registry = new RunRegistry<RunInFlight>({ staleAfterMs: 600_000, maxPending: 10_000 });
 * registry.track("chain-1", undefined, Date.now());
 * registry.rootOf("chain-1", "llm-1"); // "chain-1"
 * ```
 */
export class RunRegistry<S extends RunInFlight> {
  readonly #options: RunRegistryOptions;
  readonly #inflight = new Map<string, S>();
  readonly #lineage = new Map<string, { rootRunId: string; startedAt: number }>();
  #lastSweep = Date.now();

  constructor(options: RunRegistryOptions) {
    this.#options = options;
  }

  /** The root of a run started under `parentRunId`: the parent's root when known, else the parent, else the run itself. */
  rootOf(parentRunId: string | undefined, runId: string): string {
    if (!parentRunId) return runId;
    return this.#lineage.get(parentRunId)?.rootRunId ?? this.#inflight.get(parentRunId)?.rootRunId ?? parentRunId;
  }

  /** A parent run (chain, tool, retriever) started. */
  track(runId: string, parentRunId: string | undefined, now: number): void {
    this.#lineage.set(runId, { rootRunId: this.rootOf(parentRunId, runId), startedAt: now });
  }

  /** A parent run ended. */
  untrack(runId: string): void {
    this.#lineage.delete(runId);
  }

  get(runId: string): S | undefined {
    return this.#inflight.get(runId);
  }

  add(state: S): void {
    this.#inflight.set(state.runId, state);
  }

  /** Removes a model run and returns it; `undefined` when it is not in flight. */
  take(runId: string): S | undefined {
    const state = this.#inflight.get(runId);
    if (state) this.#inflight.delete(runId);
    return state;
  }

  get size(): number {
    return this.#inflight.size;
  }

  /** How often a timer should sweep while runs are in flight: a quarter of `staleAfterMs`, at most 15 s. */
  get sweepIntervalMs(): number {
    return Math.max(1, Math.min(this.#options.staleAfterMs, 60_000) / 4);
  }

  /** Removes and returns the model runs to give up on; forgets stale parents. Cheap when called often. */
  stale(now: number): S[] {
    const { staleAfterMs, maxPending } = this.#options;
    const overfull = this.#inflight.size >= maxPending || this.#lineage.size >= maxPending;
    if (!overfull && now - this.#lastSweep < this.sweepIntervalMs) return [];
    this.#lastSweep = now;
    const given: S[] = [];
    for (const state of this.#inflight.values()) {
      if (now - state.startedAt < staleAfterMs && this.#inflight.size < maxPending) break;
      this.#inflight.delete(state.runId);
      given.push(state);
    }
    for (const [runId, entry] of this.#lineage) {
      if (now - entry.startedAt < staleAfterMs && this.#lineage.size < maxPending) break;
      this.#lineage.delete(runId);
    }
    return given;
  }

  sizes(): { inflight: number; lineage: number } {
    return { inflight: this.#inflight.size, lineage: this.#lineage.size };
  }
}
