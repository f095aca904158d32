/**
 * The package's debug channel: `console.debug` when the `TOKENLEDGER_DEBUG` environment variable
 * is set, else undefined (nothing is written). `TokenLedgerHandler` uses it unless given `onError`.
 */
export function defaultDebugChannel(): ((event: { method: string; runId?: string; message: string }) => void) | undefined {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  if (!env?.TOKENLEDGER_DEBUG) return undefined;
  return (event) => console.debug(`[tokenledger] ${event.method}${event.runId ? ` ${event.runId}` : ""}: ${event.message}`);
}

/** Keys already reported by `reportOnce` (bounded: cleared when full). */
const reported = new Set<string>();

/**
 * Tells the debug channel `message` the first time `key` is reported in this process, and never
 * again for that key (nothing is remembered while the channel is off, so turning it on still
 * shows the first report). Never throws.
 */
export function reportOnce(key: string, method: string, message: () => string): void {
  if (reported.has(key)) return;
  const channel = defaultDebugChannel();
  if (!channel) return;
  if (reported.size >= 1000) reported.clear();
  reported.add(key);
  try {
    channel({ method, message: message() });
  } catch {
    // The debug channel's own failure has nowhere left to go.
  }
}

/**
 * Wraps a user's error channel (an `onError` option) so that it can never hurt the host: a
 * channel that throws, or returns a promise that rejects, is told nothing more. Its failure is
 * written once to `console.debug` when `TOKENLEDGER_DEBUG` is set, then the channel is dropped.
 * The wrapper never throws and never leaves a rejection unhandled.
 *
 * @example
 * ```ts
 * const report = guardChannel(async () => { throw new Error("down"); }, "onError");
 * report({ method: "handleLLMEnd", message: "x" }); // the rejection is caught; later calls do nothing
 * ```
 */
export function guardChannel<E>(channel: ((event: E) => unknown) | undefined, name: string): ((event: E) => void) | undefined {
  if (typeof channel !== "function") return undefined;
  let live: ((event: E) => unknown) | undefined = channel;
  const drop = (error: unknown) => {
    if (!live) return;
    live = undefined;
    const debug = defaultDebugChannel();
    if (!debug) return;
    try {
      debug({ method: name, message: `the error channel failed and is dropped: ${describeFailure(error)}` });
    } catch {
      // Nowhere left to go.
    }
  };
  return (event) => {
    const target = live;
    if (!target) return;
    try {
      const result = target(event) as PromiseLike<unknown> | undefined;
      if (result !== null && (typeof result === "object" || typeof result === "function") && typeof result.then === "function") {
        Promise.resolve(result).then(undefined, drop);
      }
    } catch (error) {
      drop(error);
    }
  };
}

function describeFailure(error: unknown): string {
  try {
    if (error instanceof Error) return `${error.name}: ${error.message}`.slice(0, 200);
    return String(error).slice(0, 200);
  } catch {
    return "an unreadable value";
  }
}
