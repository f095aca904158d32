import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import type { LlmRunRecord } from "@tokenledger/store";
import { createSqliteStore } from "@tokenledger/store/sqlite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const cli = fileURLToPath(new URL("../dist/cli.js", import.meta.url));
const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), "tokenledger-report-"));
const path = join(dir, "ledger.db");
const DAY = 86_400_000;
const now = Date.now();

function record(i: number): LlmRunRecord {
  const inputTokens = 100 + i;
  const outputTokens = 3 * i;
  return {
    runId: `run-${i}`,
    rootRunId: `trace-${i % 3}`,
    runName: "ChatOpenAI",
    model: i % 4 === 0 ? "mystery-model" : "gpt-4o-mini",
    status: i % 5 === 0 ? "error" : "ok",
    ...(i % 5 === 0 ? { error: "Rate limit reached" } : {}),
    contextTokens: 0,
    inputTokens,
    outputTokens,
    totalTokens: inputTokens + outputTokens,
    source: "provider",
    invocationParams: { toolsCount: 0 },
    ...(i % 4 === 0 ? {} : { costUsd: (inputTokens * 0.15 + outputTokens * 0.6) / 1e6 }),
    cached: false,
    startedAt: now - (i % 3) * DAY - 60_000,
    endedAt: now,
    durationMs: 60_000,
    flags: [],
    tags: [],
    metadata: {},
    ...(i % 2 === 0 ? { userId: "alice" } : { userId: "bob" }),
  };
}

const records = Array.from({ length: 30 }, (_, i) => record(i));
beforeAll(async () => {
  const store = await createSqliteStore({ path });
  await store.write(records);
  await store.write([{ ...record(99), startedAt: now - 40 * DAY }]);
  await store.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("tokenledger report and runs (the binary, on a SQLite store)", () => {
  it("report --json gives the store's usage() per group, the days and the totals of the range", async () => {
    const { stdout } = await run(process.execPath, [cli, "report", "--store", path, "--by", "user,model", "--since", "30d", "--json"]);
    const parsed = JSON.parse(stdout);
    const store = await createSqliteStore({ path });
    const since = Date.parse(parsed.since);
    expect(Math.abs(since - (now - 30 * DAY))).toBeLessThan(60_000);
    expect(parsed.rows).toEqual(await store.usage({ by: ["user", "model"], since }));
    expect(parsed.days).toEqual(await store.usage({ by: ["day"], since }));
    expect(parsed.totals).toMatchObject({ calls: 30, errors: 6, unpricedCalls: 8 });
    expect(parsed.totals.totalTokens).toBe(records.reduce((s, r) => s + r.totalTokens, 0));
    await store.close();
  });

  it("report prints a table whose rows sum to its total line, a note for unpriced calls, and a bar per day", async () => {
    const { stdout } = await run(process.execPath, [cli, "report", "--store", path, "--by", "user", "--since", "7d"]);
    const lines = stdout.split("\n");
    expect(lines[0]?.split(/\s+/)).toEqual(["user", "calls", "errors", "input", "output", "total", "cost"]);
    const body = lines.slice(1, 3).map((l) => l.split(/\s+/));
    expect(body.map((r) => r[0])).toEqual(["alice", "bob"]);
    const total = lines[4]?.split(/\s+/) ?? [];
    expect(total[0]).toBe("total");
    const num = (s: string | undefined) => Number(String(s).replaceAll(",", ""));
    expect(num(total[1])).toBe(30);
    expect(body.reduce((s, r) => s + num(r[5]), 0)).toBe(num(total[5]));
    expect(stdout).toMatch(/\* 8 calls have no price \(unknown model\): not in the cost/);
    const bars = lines.filter((l) => /^\d{4}-\d{2}-\d{2} {2}#* +[\d,]+$/.test(l));
    expect(bars).toHaveLength(3);
    expect(bars.reduce((s, l) => s + num(l.split(/\s+/).at(-1)), 0)).toBe(num(total[5]));
  });

  it("runs --trace lists the trace's runs newest first; --json gives the whole records", async () => {
    const { stdout } = await run(process.execPath, [cli, "runs", "--store", path, "--trace", "trace-1", "--json"]);
    const expected = records
      .filter((r) => r.rootRunId === "trace-1")
      .sort((a, b) => b.startedAt - a.startedAt || (a.runId < b.runId ? 1 : -1));
    expect(JSON.parse(stdout).runs).toEqual(expected);
    const text = (await run(process.execPath, [cli, "runs", "--store", path, "--trace", "trace-1", "--limit", "3"])).stdout;
    expect(text.split("\n")[0]).toMatch(/^started \(UTC\) +model +status +input +output +cost +ms +user +run +flags$/);
    expect(text.split("\n").filter((l) => /run-\d+/.test(l) && !l.startsWith("error"))).toHaveLength(3);
    expect((await run(process.execPath, [cli, "runs", "--store", path, "--user", "nobody"])).stdout).toBe(
      "no runs stored for user nobody\n",
    );
  });

  it("reads the store from TOKENLEDGER_STORE, and refuses bad input with one line and exit 1 or 2", async () => {
    const env = { ...process.env, TOKENLEDGER_STORE: path };
    expect(JSON.parse((await run(process.execPath, [cli, "report", "--json"], { env })).stdout).totals.calls).toBe(31);
    const failure = (args: string[]) =>
      run(process.execPath, [cli, ...args], { env: { ...process.env, TOKENLEDGER_STORE: "" } }).catch((e) => e);
    await expect(failure(["report"])).resolves.toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/--store FILE \| postgres:\/\/\.\.\. is needed/),
    });
    await expect(failure(["report", "--store", join(dir, "none.db")])).resolves.toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/no store at/),
    });
    await expect(failure(["report", "--store", path, "--since", "yesterday"])).resolves.toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/--since takes 30m, 24h/),
    });
    await expect(failure(["report", "--store", path, "--by", "colour"])).resolves.toMatchObject({ code: 2 });
    await expect(failure(["runs", "--store", path])).resolves.toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/exactly one of --trace, --user, --thread/),
    });
    await expect(failure(["report", "--store", "postgres://u:secret@127.0.0.1:9/x"])).resolves.toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/^tokenledger: cannot open the store postgres:\/\/u:\*\*\*@127\.0\.0\.1:9\/x: .*ECONNREFUSED/),
    });
  });
});
