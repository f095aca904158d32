import type { AttachOptions, StoreErrorEvent } from "../contract/index.js";
import type { WriterOptions } from "./record-writer.js";

const QUIET_MS = 10_000;

/**
 * `AttachOptions` with the defaults applied (`batchSize`: the store's); a bad value is one clear
 * `TypeError`.
 *
 * @example
 * ```ts
 * writerOptions({ durability: "sync" }, 500).batchSize; // 500
 * ```
 */
export function writerOptions(options: AttachOptions = {}, batchSize = 500): WriterOptions {
  const durability = options.durability ?? "batched";
  if (durability !== "sync" && durability !== "batched")
    throw new TypeError(`durability must be "sync" or "batched", not ${JSON.stringify(durability)}`);
  return {
    durability,
    flushMs: positive("flushMs", options.flushMs, 1_000),
    batchSize: positive("batchSize", options.batchSize, batchSize, true),
    maxQueue: positive("maxQueue", options.maxQueue, 100_000, true),
    retryMs: positive("retryMs", options.retryMs, 250),
    onError: options.onError ?? stderrChannel(),
  };
}

function positive(name: string, value: number | undefined, fallback: number, integer = false): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value)))
    throw new TypeError(`${name} must be a positive ${integer ? "integer" : "number"}, not ${String(value)}`);
  return value;
}

/** The default `onError`: one line on stderr, then quiet for 10 s (the counters keep counting). */
function stderrChannel(): (event: StoreErrorEvent) => void {
  let quietUntil = 0;
  return (event) => {
    const now = Date.now();
    if (now < quietUntil) return;
    quietUntil = now + QUIET_MS;
    process.stderr.write(`tokenledger/store: ${event.message}\n`);
  };
}
