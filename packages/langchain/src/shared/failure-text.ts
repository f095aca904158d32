/**
 * What a thrown value says, as one line: its `message`, else the string thrown, else its `name`,
 * else `fallback`. Never throws, whatever was thrown (a null-prototype object, an Error whose
 * `message` getter throws, a Proxy).
 *
 * @example
 * ```ts
 * failureText(new Error("503 overloaded\n\nTroubleshooting URL: ..."), "failed"); // "503 overloaded"
 * failureText(Object.create(null), "the summarizer failed");                     // "the summarizer failed"
 * ```
 */
export function failureText(error: unknown, fallback: string): string {
  try {
    const e = error as { message?: unknown; name?: unknown } | null | undefined;
    const text = typeof e?.message === "string" && e.message !== "" ? e.message : typeof error === "string" ? error : e?.name;
    if (typeof text === "string" && text.trim() !== "") return text.trim().split(/\r?\n/, 1)[0]!;
  } catch {
    // Reading the error threw: it says nothing.
  }
  return fallback;
}
