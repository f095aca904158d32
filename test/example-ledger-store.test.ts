import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";

const main = fileURLToPath(new URL("../examples/ledger-store/main.mjs", import.meta.url));
const cli = fileURLToPath(new URL("../packages/cli/dist/cli.js", import.meta.url));
const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), "tokenledger-example-store-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("examples/ledger-store: a newcomer's durable ledger, no server to install", () => {
  it("stores every run attributed to its user, the provider's numbers, failures too; the CLI reports the same file", async () => {
    const db = join(dir, "desk.db");
    const first = JSON.parse((await run(process.execPath, [main, "--db", db, "--json"])).stdout);
    expect(first.totals).toMatchObject({ calls: 6, errors: 1, unpricedCalls: 0 });
    expect(first.totals.totalTokens).toBe(first.serverTokens);
    expect(first.usage.map((r: { user: string; calls: number }) => [r.user, r.calls])).toEqual([
      ["ana", 2],
      ["ben", 1],
      ["chen", 3],
    ]);
    expect(first.conversation.map((r: { status: string }) => r.status)).toEqual(["error", "ok", "ok"]);
    expect(first.conversation[0].error).toMatch(/overloaded/);
    // a second run adds its own runs to the file
    const second = JSON.parse((await run(process.execPath, [main, "--db", db, "--json"])).stdout);
    expect(second.totals.calls).toBe(12);
    const report = JSON.parse((await run(process.execPath, [cli, "report", "--store", db, "--by", "user,model", "--json"])).stdout);
    expect(report.rows).toEqual(second.usage);
    expect(report.totals).toEqual(second.totals);
    const runs = JSON.parse((await run(process.execPath, [cli, "runs", "--store", db, "--thread", "chen-support", "--json"])).stdout);
    expect(runs.runs).toHaveLength(6);
    expect(runs.runs.every((r: { userId: string; tenantId: string }) => r.userId === "chen" && r.tenantId === "globex")).toBe(true);
  });

  it("prints a report a person reads, and the next command to run", async () => {
    const db = join(dir, "human.db");
    const { stdout } = await run(process.execPath, [main, "--db", db]);
    expect(stdout).toMatch(/^ledger: .*human\.db \(SQLite, WAL\)/);
    expect(stdout).toMatch(/total: 6 calls, (\d+) tokens \(the server counted \1\)/);
    expect(stdout).toContain(`npx tokenledger report --store ${db}`);
  });
});
