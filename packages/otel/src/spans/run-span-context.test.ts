import { isValidSpanId, isValidTraceId } from "@opentelemetry/api";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { runSpanContext } from "./run-span-context.js";

describe("runSpanContext", () => {
  it("a UUID run id is the trace id; any id gives a valid, deterministic context", () => {
    expect(runSpanContext("1B4E28BA-2FA1-11D2-883F-0016D3CCA427").traceId).toBe("1b4e28ba2fa111d2883f0016d3cca427");
    fc.assert(
      fc.property(fc.string(), (id) => {
        const context = runSpanContext(id);
        expect(isValidTraceId(context.traceId) && isValidSpanId(context.spanId)).toBe(true);
        expect(runSpanContext(id)).toEqual(context);
      }),
    );
    expect(runSpanContext("00000000-0000-0000-0000-000000000000").traceId).not.toBe("0".repeat(32));
  });
});
