import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { startOpenAIServer } from "@tokenledger/openai-server";
import { describe, expect, it } from "vitest";
// @ts-expect-error: the example is plain ESM JavaScript, run as users run it.
import { runChat } from "../examples/trim-history/run-chat.mjs";
// @ts-expect-error: as above.
import { scriptedReply, TURNS } from "../examples/trim-history/script.mjs";

const main = fileURLToPath(new URL("../examples/trim-history/main.mjs", import.meta.url));
const run = promisify(execFile);

describe("examples/trim-history against the embedded server", () => {
  it("trims, fits every call in the window, and its ledger estimate equals the server's prompt tokens", async () => {
    const maxContext = 700;
    const server = await startOpenAIServer({ contextWindow: maxContext, reply: scriptedReply });
    try {
      const { ledger, rows } = await runChat({ model: "gpt-4o-mini", maxContext, baseURL: server.baseURL, apiKey: "test" });
      const records = ledger.records();
      expect(rows).toHaveLength(TURNS.length);
      expect(records.length).toBe(server.requests.length);
      expect(records.length).toBeGreaterThan(TURNS.length);
      expect(records.every((r: { status: string }) => r.status === "ok")).toBe(true);
      expect(rows.some((r: { sent: number; stored: number }) => r.sent < r.stored)).toBe(true);
      for (const r of records) {
        expect(r.source).toBe("provider");
        expect(r.estimatedInputTokens).toBe(r.inputTokens);
        expect(r.inputTokens + 120).toBeLessThanOrEqual(maxContext);
      }
      expect(server.requests.some((q) => q.messages.some((m) => m.role === "tool"))).toBe(true);
      expect(ledger.pendingCount).toBe(0);
    } finally {
      await server.close();
    }
  });

  it("runs as a program: a table and chart on stdout without colour when piped, --json for scripts", async () => {
    const text = await run(process.execPath, [main, "--turns", "12"], { env: { ...process.env, OPENAI_API_KEY: "" } });
    expect(text.stdout).toMatch(/estimate\/reported/);
    expect(text.stdout).toMatch(/Prompt tokens per turn \(\| = budget of 580\)/);
    expect(text.stdout).not.toContain("\x1b[");
    const json = await run(process.execPath, [main, "--json", "--turns", "3"], { env: { ...process.env, OPENAI_API_KEY: "" } });
    const parsed = JSON.parse(json.stdout);
    expect(parsed.records).toHaveLength(3);
    expect(parsed.totals.calls).toBe(3);
  });

  it.each(["llama3.1-8b", "claude-sonnet-4-5"])(
    "runs every turn for --model %s without an overflow, its trimmer calibrated by the ledger",
    async (model) => {
      const env = { ...process.env, OPENAI_API_KEY: "", ANTHROPIC_API_KEY: "" };
      const { stdout } = await run(process.execPath, [main, "--json", "--model", model], { env });
      const { records, totals } = JSON.parse(stdout);
      expect(totals.errors).toBe(0);
      expect(records.length).toBeGreaterThan(TURNS.length);
      for (const r of records) {
        expect(r).toMatchObject({ status: "ok", source: "provider", model });
        expect(r.inputTokens + 120).toBeLessThanOrEqual(700);
      }
      expect(Math.max(...records.map((r: { inputTokens: number }) => r.inputTokens))).toBeGreaterThan(350);
    },
  );

  it("rejects bad flags with one line and a non-zero exit", async () => {
    await expect(run(process.execPath, [main, "--max-context", "10"])).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/^usage: /),
    });
  });

  it("ends an unreachable provider with one clear line and exit 1, and warns on an unknown model", async () => {
    const env = { ...process.env, OPENAI_API_KEY: "sk-bad", OPENAI_BASE_URL: "http://127.0.0.1:9/v1" };
    const failure = await run(process.execPath, [main, "--turns", "1", "--model", "nobody-knows"], { env }).catch((e) => e);
    expect(failure.code).toBe(1);
    const lines = failure.stderr.trim().split("\n");
    expect(lines).toEqual([
      expect.stringMatching(/^warning: tokenledger does not know model "nobody-knows"/),
      expect.stringMatching(/^error: http:\/\/127\.0\.0\.1:9\/v1 answered: Connection error/),
    ]);
  });
});
