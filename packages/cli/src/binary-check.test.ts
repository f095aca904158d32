import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { HEAD_BYTES, isBinaryFile, looksBinary } from "./binary-check.js";

describe("one binary check for named inputs and walked folders", () => {
  it("a NUL byte in the first 8 KB makes an input binary, one later does not", () => {
    expect(looksBinary(Buffer.from("text\0more"))).toBe(true);
    expect(looksBinary(Buffer.from("plain text"))).toBe(false);
    expect(looksBinary(Buffer.concat([Buffer.alloc(HEAD_BYTES, 0x61), Buffer.from([0])]))).toBe(false);
  });

  it("a file is judged by the same check on its head", () => {
    const dir = mkdtempSync(join(tmpdir(), "tokenledger-binary-"));
    writeFileSync(join(dir, "a.bin"), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01]));
    writeFileSync(join(dir, "late.txt"), Buffer.concat([Buffer.alloc(HEAD_BYTES, 0x61), Buffer.from([0])]));
    writeFileSync(join(dir, "empty.txt"), "");
    expect(isBinaryFile(join(dir, "a.bin"))).toBe(true);
    expect(isBinaryFile(join(dir, "late.txt"))).toBe(false);
    expect(isBinaryFile(join(dir, "empty.txt"))).toBe(false);
  });
});
