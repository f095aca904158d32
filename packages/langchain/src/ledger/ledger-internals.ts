/**
 * What a ledger keeps in flight, for tests that check no state is left behind. Not exported
 * from the package: tests import it from source; the handler registers itself here.
 */
interface InFlightSizes {
  sizes(): { inflight: number; lineage: number };
}

const registries = new WeakMap<object, InFlightSizes>();

/** Called by `TokenLedgerHandler`'s constructor with its run registry. */
export function registerInternals(ledger: object, registry: InFlightSizes): void {
  registries.set(ledger, registry);
}

/**
 * The sizes of a ledger's maps of runs in flight: model runs (`inflight`) and parent runs
 * (`lineage`); both 0 when nothing is running.
 *
 * @example
 * ```ts
 * await chain.invoke(input, { callbacks: [ledger] });
 * internalSizes(ledger); // { inflight: 0, lineage: 0 }
 * ```
 */
export function internalSizes(ledger: object): { inflight: number; lineage: number } {
  const registry = registries.get(ledger);
  if (!registry) throw new TypeError("internalSizes: not a TokenLedgerHandler");
  return registry.sizes();
}
