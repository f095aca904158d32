import { describe, expect, it } from "vitest";
import { showBytes } from "./show-bytes.js";

describe("showBytes", () => {
  it("shows whole characters as text and the rest as hex bytes", () => {
    expect(showBytes(Uint8Array.from([0xe4, 0xbd]))).toBe("<0xE4 0xBD>");
    expect(showBytes(Uint8Array.from([0x20, 0xe8, 0xaa]))).toBe(" <0xE8 0xAA>");
    expect(showBytes(new TextEncoder().encode("naïve"))).toBe("naïve");
    expect(showBytes(Uint8Array.from([0x9e, 0x61]))).toBe("<0x9E>a");
  });
});
