import { type SpanContext, TraceFlags } from "@opentelemetry/api";

/**
 * The span context that stands for a LangChain run in OpenTelemetry: its trace id is the run id's
 * 128 bits when it is a UUID (as LangChain's are), so a trace is found by the `runId` a caller
 * passed to `invoke`; other ids are hashed. Its span id is a hash of the run id. Deterministic:
 * every model run under one top-level run gets the same parent, in the same trace.
 *
 * @example
 * ```ts
 * runSpanContext("1b4e28ba-2fa1-11d2-883f-0016d3cca427").traceId; // "1b4e28ba2fa111d2883f0016d3cca427"
 * ```
 */
export function runSpanContext(runId: string): SpanContext {
  const hex = runId.replace(/-/g, "").toLowerCase();
  const traceId = /^[0-9a-f]{32}$/.test(hex) && !/^0+$/.test(hex) ? hex : hash(`trace:${runId}`, 32);
  return { traceId, spanId: hash(`span:${runId}`, 16), traceFlags: TraceFlags.SAMPLED, isRemote: true };
}

/** FNV-1a (64-bit lanes) to `length` hex digits, never all zeros. */
function hash(text: string, length: number): string {
  let out = "";
  for (let lane = 0; out.length < length; lane++) {
    let h = 0xcbf29ce484222325n ^ BigInt(lane);
    for (let i = 0; i < text.length; i++) {
      h ^= BigInt(text.charCodeAt(i));
      h = (h * 0x100000001b3n) & 0xffffffffffffffffn;
    }
    out += h.toString(16).padStart(16, "0");
  }
  const id = out.slice(0, length);
  return /^0+$/.test(id) ? `${id.slice(0, -1)}1` : id;
}
