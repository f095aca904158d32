import { describe, expect, it } from "vitest";
import { failureText } from "./failure-text.js";

describe("failureText", () => {
  it("reads a message's first line, a string or a name, and never throws", () => {
    expect(failureText(new Error("503 overloaded\n\nTroubleshooting URL: x"), "f")).toBe("503 overloaded");
    expect(failureText("boom", "f")).toBe("boom");
    expect(failureText(Object.assign(new Error(""), { name: "AbortError" }), "f")).toBe("AbortError");
    const getter = new Error("x");
    Object.defineProperty(getter, "message", {
      get() {
        throw new Error("no");
      },
    });
    const trap = () => {
      throw new Error("trap");
    };
    for (const hostile of [Object.create(null), null, undefined, getter, new Proxy({}, { get: trap, getPrototypeOf: trap }), 42]) {
      expect(failureText(hostile, "fallback")).toBe("fallback");
    }
  });
});
