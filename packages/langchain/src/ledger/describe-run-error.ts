const MAX_ERROR_LENGTH = 500;
const ABORT_ERROR_NAMES = new Set(["AbortError", "ModelAbortError", "APIUserAbortError"]);

/**
 * An error as one line for a record: the first line of its message (LangChain appends a
 * troubleshooting URL after a blank line; that is dropped), at most 500 characters. Never
 * throws, whatever was thrown (`Object.create(null)`, a throwing `message` getter).
 *
 * @example
 * ```ts
 * errorLine(new Error("429 Rate limit reached\n\nTroubleshooting URL: https://...")); // "429 Rate limit reached"
 * ```
 */
export function errorLine(error: unknown): string {
  let text: string;
  try {
    const e = error as { message?: unknown; name?: unknown } | null | undefined;
    if (typeof e?.message === "string" && e.message.trim() !== "") text = e.message;
    else if (typeof error === "string") text = error;
    else if (typeof e?.name === "string" && e.name !== "") text = e.name;
    else text = String(error);
  } catch {
    text = "unknown error";
  }
  const line = text.trim().split(/\r?\n/, 1)[0]!.trim() || "unknown error";
  return line.length > MAX_ERROR_LENGTH ? `${line.slice(0, MAX_ERROR_LENGTH - 3)}...` : line;
}

/**
 * Whether an error says, by its type, that the call was cancelled: `AbortError` (fetch,
 * `AbortSignal`, ChatOpenAI), LangChain's `ModelAbortError`, OpenAI's `APIUserAbortError`.
 * Never from the message's text: "aborted by the moderation filter" is not a cancellation.
 *
 * @example
 * ```ts
 * isAbortError(new DOMException("The operation was aborted.", "AbortError")); // true
 * isAbortError(new Error("Request aborted by the moderation filter"));        // false
 * ```
 */
export function isAbortError(error: unknown): boolean {
  try {
    const e = error as { name?: unknown; constructor?: { name?: unknown } } | null | undefined;
    if (e === null || typeof e !== "object") return false;
    return ABORT_ERROR_NAMES.has(String(e.name)) || ABORT_ERROR_NAMES.has(String(e.constructor?.name));
  } catch {
    return false;
  }
}
