import { describe, expect, it } from "vitest";
import { errorLine, isAbortError } from "./describe-run-error.js";

describe("errorLine", () => {
  it("keeps the first line of the message, within 500 characters", () => {
    expect(errorLine(new Error("429 Rate limit reached\n\nTroubleshooting URL: https://example.test/\n"))).toBe("429 Rate limit reached");
    expect(errorLine(new Error("x".repeat(600)))).toHaveLength(500);
    expect(errorLine("plain string")).toBe("plain string");
  });

  it("never throws on what JavaScript can throw", () => {
    const getter = Object.defineProperty({}, "message", {
      get() {
        throw new Error("no");
      },
    });
    expect(errorLine(Object.create(null))).toBe("unknown error");
    expect(errorLine(getter)).toBe("unknown error");
    expect(errorLine(undefined)).toBe("undefined");
    expect(errorLine(new Error(""))).toBe("Error");
  });
});

describe("isAbortError", () => {
  it("goes by the error's type, never its text", () => {
    expect(isAbortError(new DOMException("x", "AbortError"))).toBe(true);
    expect(isAbortError(Object.assign(new Error("Model invocation was aborted."), { name: "ModelAbortError" }))).toBe(true);
    class APIUserAbortError extends Error {}
    expect(isAbortError(new APIUserAbortError("Request was aborted."))).toBe(true);
    expect(isAbortError(new Error("Request aborted by the moderation filter"))).toBe(false);
    expect(isAbortError(new Error("AbortError"))).toBe(false);
    expect(isAbortError(Object.create(null))).toBe(false);
    expect(isAbortError("AbortError")).toBe(false);
  });
});
