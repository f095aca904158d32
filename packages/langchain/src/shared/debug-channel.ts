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
