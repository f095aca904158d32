import { closeSync, ftruncateSync, mkdtempSync, openSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CliError } from "./cli-error.js";
import { readInput } from "./read-input.js";

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "tokenledger-read-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("readInput", () => {
  it("reads a file up to its limit exactly; one byte more is a one-line refusal, exit 2", async () => {
    const path = join(dir, "at.txt");
    writeFileSync(path, "héllo");
    expect(await readInput(path, { limit: 6, command: "x" })).toBe("héllo");
    const refused = await readInput(path, { limit: 5, command: "x" }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(CliError);
    expect(refused).toMatchObject({
      exitCode: 2,
      message: `${path}: larger than ${5 / 2 ** 20} MiB, the most x reads (count streams any size)`,
    });
  });

  it("refuses a huge sparse file by its size, before reading it", async () => {
    const path = join(dir, "sparse");
    const fd = openSync(path, "w");
    ftruncateSync(fd, 2 ** 33);
    closeSync(fd);
    await expect(readInput(path, { limit: 2 ** 20, command: "inspect" })).rejects.toMatchObject({ exitCode: 2 });
  });

  it.skipIf(process.platform !== "linux")("stops reading a device at the limit", async () => {
    await expect(readInput("/dev/zero", { limit: 2 ** 20, command: "inspect" })).rejects.toThrow(/larger than 1 MiB/);
  });

  it("a missing file is cannot read, exit 1", async () => {
    await expect(readInput(join(dir, "gone"), { limit: 10, command: "x" })).rejects.toMatchObject({
      exitCode: 1,
      message: expect.stringMatching(/cannot read .*gone: ENOENT/),
    });
  });
});
