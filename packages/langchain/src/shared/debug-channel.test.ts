import { afterEach, describe, expect, it, vi } from "vitest";
import { guardChannel } from "./debug-channel.js";

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

describe("guardChannel", () => {
  it("passes events through until the channel fails, then drops it, telling console.debug once under TOKENLEDGER_DEBUG", async () => {
    vi.stubEnv("TOKENLEDGER_DEBUG", "1");
    const debug = vi.spyOn(console, "debug").mockImplementation(() => undefined);
    const seen: number[] = [];
    const report = guardChannel((n: number) => {
      seen.push(n);
      if (n === 2) return Promise.reject(new Error("down"));
      return undefined;
    }, "onError")!;
    report(1);
    report(2);
    await new Promise((resolve) => setTimeout(resolve, 0));
    report(3);
    expect(seen).toEqual([1, 2]);
    expect(debug).toHaveBeenCalledTimes(1);
    expect(String(debug.mock.calls[0]![0])).toMatch(/onError: the error channel failed and is dropped: Error: down/);
    expect(guardChannel(undefined, "x")).toBeUndefined();
  });

  it("survives a thrown value whose message getter throws, and a thenable whose then throws", () => {
    const hostile = Object.defineProperty(new Error(), "message", {
      get() {
        throw new Error("getter");
      },
    });
    const throwing = guardChannel(() => {
      throw hostile;
    }, "onError")!;
    expect(() => throwing(1)).not.toThrow();
    const thenable = guardChannel(
      () =>
        Object.defineProperty({}, ["th", "en"].join(""), {
          get: () => {
            throw new Error("then");
          },
        }),
      "onError",
    )!;
    expect(() => thenable(1)).not.toThrow();
  });
});
