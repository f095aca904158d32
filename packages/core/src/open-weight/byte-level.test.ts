import { describe, expect, it } from "vitest";
import { BYTE_OF_CHAR, byteLevelBytes } from "./byte-level.js";

describe("byteLevelBytes", () => {
  it("maps all 256 bytes one to one", () => {
    expect(new Set(BYTE_OF_CHAR.values()).size).toBe(256);
    expect(BYTE_OF_CHAR.size).toBe(256);
  });

  it("reads GPT-2's spelling of a space and a newline", () => {
    expect(Array.from(byteLevelBytes("Ġhello")!)).toEqual([32, 104, 101, 108, 108, 111]);
    expect(Array.from(byteLevelBytes("Ċ")!)).toEqual([10]);
  });

  it("refuses characters outside the alphabet", () => {
    expect(byteLevelBytes("a b")).toBeUndefined();
  });
});
