/**
 * A LangChain message's type (`human`, `ai`, `system`, `tool`, ...) from `getType()`, a
 * `type` field or the older `_getType()`; `""` when it has none or its getter throws.
 *
 * @example
 * ```ts
 * messageType(new AIMessage("hi")); // "ai"
 * messageType({ type: "human" });    // "human"
 * ```
 */
export function messageType(message: unknown): string {
  const m = (message ?? {}) as { type?: unknown; getType?: () => string; _getType?: () => string };
  try {
    if (typeof m.getType === "function") return String(m.getType());
    if (typeof m.type === "string") return m.type;
    if (typeof m._getType === "function") return String(m._getType());
  } catch {}
  return "";
}
