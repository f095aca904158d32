/**
 * Thrown by `trimHistory` (and everything built on it) when the options cannot give a budget, a
 * count is not a finite number, a message cannot be read, or what must be sent (system message,
 * tools, reply priming) is alone over the budget. One clear message; the cause, if any, is kept.
 *
 * @example
 * ```ts
 * try { trimHistory(history, { model: "my-llm" }); } catch (e) { if (e instanceof TrimError) console.error(e.message); }
 * ```
 */
export class TrimError extends Error {
  override name = "TrimError";
}
