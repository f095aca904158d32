import type { BaseMessage } from "@langchain/core/messages";

/** A running hash of messages, as two 32-bit lanes. */
export type Fingerprint = readonly [number, number];

/** The fingerprint of no messages. */
export const EMPTY_FINGERPRINT: Fingerprint = [0x811c9dc5, 0x6a09e667];

/**
 * Extends a fingerprint with messages, each by its type, id, name, content, tool calls and tool
 * call id. Two conversations whose first N messages say the same have the same fingerprint after N;
 * `extendFingerprint(extendFingerprint(EMPTY, a), b)` equals `extendFingerprint(EMPTY, [...a, ...b])`.
 * Never throws: a part that cannot be serialized counts as a fixed marker.
 *
 * @example
 * ```ts
 * const folded = extendFingerprint(EMPTY_FINGERPRINT, messages.slice(0, 4));
 * sameFingerprint(folded, extendFingerprint(EMPTY_FINGERPRINT, reread.slice(0, 4))); // the same four messages?
 * ```
 */
export function extendFingerprint(start: Fingerprint, messages: readonly BaseMessage[]): Fingerprint {
  let [a, b] = start;
  for (const message of messages) {
    const text = describe(message);
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      a = Math.imul(a ^ c, 0x01000193);
      b = Math.imul(b ^ c, 0x5bd1e995);
      b ^= b >>> 15;
    }
  }
  return [a >>> 0, b >>> 0];
}

export function sameFingerprint(x: Fingerprint, y: Fingerprint): boolean {
  return x[0] === y[0] && x[1] === y[1];
}

function describe(message: BaseMessage): string {
  const m = message as BaseMessage & { tool_calls?: unknown; tool_call_id?: unknown };
  return `${part(() => m.getType())}\u0000${part(() => m.id)}\u0000${part(() => m.name)}\u0000${part(() => m.content)}\u0000${part(
    () => m.tool_calls,
  )}\u0000${part(() => m.tool_call_id)}\u0001`;
}

function part(read: () => unknown): string {
  try {
    const value = read();
    return typeof value === "string" ? value : (JSON.stringify(value) ?? "");
  } catch {
    return "\u0002";
  }
}
