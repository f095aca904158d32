import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { startOpenAIServer } from "@tokenledger/openai-server";
import { describe, expect, it } from "vitest";
// @ts-expect-error: the example is plain ESM JavaScript, run as users run it.
import { runChat } from "../examples/summary-memory/run-chat.mjs";
// @ts-expect-error: as above.
import { isSummaryRequest, scriptedReply, TURNS } from "../examples/summary-memory/script.mjs";

const main = fileURLToPath(new URL("../examples/summary-memory/main.mjs", import.meta.url));
const run = promisify(execFile);
const noKey = { ...process.env, OPENAI_API_KEY: "" };

interface Row {
  turn: number;
  inputTokens: number;
  folded: number;
  degraded: boolean;
  summaryCalls: number;
  summaryTokens: number;
  answer: string;
}

describe("examples/summary-memory against the embedded server", () => {
  it("answers turn 40 from a fact of turn 1 through the summary, where trimming forgets it, every prompt in the window", async () => {
    const maxContext = 600;
    const server = await startOpenAIServer({ contextWindow: maxContext, reply: scriptedReply });
    try {
      const options = { model: "gpt-4o-mini", maxContext, baseURL: server.baseURL, apiKey: "test" };
      const trim = await runChat({ ...options, mode: "trim" });
      const from = server.requests.length;
      const summary = await runChat({ ...options, mode: "summary" });
      expect(TURNS).toHaveLength(40);
      expect(summary.rows).toHaveLength(40);
      expect(TURNS[0]).toMatch(/my hotel is Lumière/);
      expect(summary.rows.at(-1).answer).toBe("Your hotel is Lumière.");
      expect(trim.rows.at(-1).answer).toMatch(/do not know your hotel/);

      // Every call of both runs was accepted by a server with a 600-token window, and reported usage.
      for (const record of [...trim.ledger.records(), ...summary.ledger.records()]) {
        expect(record.status).toBe("ok");
        expect(record.source).toBe("provider");
        expect(record.estimatedInputTokens).toBe(record.inputTokens);
      }
      const rows: Row[] = summary.rows;
      for (const row of rows) expect(row.inputTokens + 120).toBeLessThanOrEqual(maxContext);
      // The summarizer's calls are runs of their own in the ledger, one per summary request the server saw.
      const summaryRequests = server.requests.slice(from).filter(isSummaryRequest).length;
      expect(rows.reduce((n, r) => n + r.summaryCalls, 0)).toBe(summaryRequests);
      expect(summary.ledger.records()).toHaveLength(40 + summaryRequests);
      expect(rows.filter((r) => r.folded > 0).length).toBeGreaterThan(3);
      expect(rows.filter((r) => r.folded > 0).length).toBeLessThan(20);
      expect(rows.every((r) => !r.degraded)).toBe(true);
      expect(summary.summary).toMatch(/my hotel is Lumière/);
    } finally {
      await server.close();
    }
  });

  it("runs as a program with no key: the per-turn table, the summarized turns and their cost, next to trimming", async () => {
    const { stdout } = await run(process.execPath, [main], { env: noKey });
    expect(stdout).toMatch(/sum\.tokens/);
    expect(stdout).toMatch(/summarized at turns \d+(, \d+)+; \d+ messages folded/);
    expect(stdout).toMatch(/summaries: \d+ calls, \d+ tokens, \$0\.\d{6}/);
    expect(stdout).toMatch(/with summary memory: Your hotel is Lumière\./);
    expect(stdout).toMatch(/trimming only: +Sorry, I do not know your hotel/);
    expect(stdout).not.toContain("\x1b[");
    const json = JSON.parse((await run(process.execPath, [main, "--json", "--turns", "4"], { env: noKey })).stdout);
    expect(json.summary.rows).toHaveLength(4);
    expect(json.trim.rows).toHaveLength(4);
    expect(json.summary.totals.calls).toBe(4 + json.summary.rows.reduce((n: number, r: Row) => n + r.summaryCalls, 0));
  }, 180_000);

  it("rejects bad flags with one line and exit 2", async () => {
    await expect(run(process.execPath, [main, "--turns", "41"], { env: noKey })).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/^usage: /),
    });
  });
});
