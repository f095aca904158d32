import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { startOpenAIServer } from "@tokenledger/openai-server";
import { describe, expect, it } from "vitest";
// @ts-expect-error: the example is plain ESM JavaScript, run as users run it.
import { runChat } from "../examples/trim-history/run-chat.mjs";
// @ts-expect-error: as above.
import { scriptedReply, TURNS } from "../examples/trim-history/script.mjs";

const main = fileURLToPath(new URL("../examples/trim-history/main.mjs", import.meta.url));
const repoRoot = fileURLToPath(new URL("..", import.meta.url));
const run = promisify(execFile);
const DEMO = "@tokenledger/example-trim-history";

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

  it("runs as a program: a legend, a table and chart on stdout without colour when piped, --json for scripts", async () => {
    const text = await run(process.execPath, [main, "--turns", "12"], { env: { ...process.env, OPENAI_API_KEY: "" } });
    const lines = text.stdout.split("\n");
    expect(lines[1]).toMatch(/^context: .*prompt: .*estimate\/reported: /);
    expect(lines[2]).toMatch(/estimate\/reported/);
    expect(text.stdout).toMatch(/Prompt tokens of each turn's last call \(\| = budget of 580\)/);
    expect(text.stdout).not.toContain("\x1b[");
    // a turn with two calls (the weather tool) shows one prompt number in the table and the chart
    const header = lines[2]!.trim().split(/\s+/);
    const table = lines.slice(3, 15).map((l) => l.trim().split(/\s+/));
    const chart = new Map(
      lines
        .filter((l) => /^\s+\d+ [#|! ]+ \d+$/.test(l))
        .map((l) => l.trim().split(/\s+/))
        .map((c) => [c[0], c.at(-1)]),
    );
    expect(table.some((r) => r[header.indexOf("calls")] === "2")).toBe(true);
    for (const r of table) expect(chart.get(r[0])).toBe(r[header.indexOf("prompt")]);
    const json = await run(process.execPath, [main, "--", "--json", "--turns", "3"], { env: { ...process.env, OPENAI_API_KEY: "" } });
    const parsed = JSON.parse(json.stdout);
    expect(parsed.records).toHaveLength(3);
    expect(parsed.totals.calls).toBe(3);
  });

  it("`pnpm demo -- --json`, as the example's README writes it, puts only JSON on stdout (no pnpm banner, no turbo lines)", async () => {
    const pnpm = await pnpmCommand();
    // The demo builds what it imports with turbo first. The test command built every package before
    // vitest started, so that build must be a cache hit, which leaves dist/ as it is; a rebuild
    // would empty dist/ under the test files running beside this one. Say so rather than rebuild.
    const dry = await run(pnpm[0]!, [...pnpm.slice(1), "exec", "turbo", "run", "build", `--filter=${DEMO}^...`, "--dry=json"], {
      cwd: repoRoot,
      env: { ...process.env, TURBO_TELEMETRY_DISABLED: "1" },
      maxBuffer: 64 * 1024 * 1024,
    });
    const tasks = JSON.parse(dry.stdout).tasks as { taskId: string; command: string; cache: { status: string } }[];
    const stale = tasks.filter((task) => task.command !== "<NONEXISTENT>" && task.cache.status !== "HIT").map((task) => task.taskId);
    expect(stale, "sources changed since the last build: build first (`pnpm build`; `pnpm test` and `pnpm test:*` do)").toEqual([]);
    const { stdout } = await run(pnpm[0]!, [...pnpm.slice(1), "demo", "--", "--json", "--turns", "2"], {
      cwd: repoRoot,
      env: { ...process.env, OPENAI_API_KEY: "" },
      maxBuffer: 64 * 1024 * 1024,
    });
    expect(stdout.trimStart().startsWith("{")).toBe(true);
    const parsed = JSON.parse(stdout);
    expect(parsed.totals.calls).toBe(2);
    expect(parsed.records).toHaveLength(2);
  }, 180_000);

  it("plays more turns than the script has by repeating it, and says the maximum", async () => {
    const env = { ...process.env, OPENAI_API_KEY: "" };
    const json = JSON.parse((await run(process.execPath, [main, "--json", "--turns", String(TURNS.length + 2)], { env })).stdout);
    const humans = json.records.length;
    expect(humans).toBeGreaterThan(TURNS.length + 2);
    await expect(run(process.execPath, [main, "--turns", "201"], { env })).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/--turns 1\.\.200/),
    });
  });

  // Llama 3's and 3.1's tokenizers and templates are open: their estimates are the server's counts.
  // Claude's are not: the trimmer is calibrated by the ledger.
  it.each([
    ["llama3.1-8b", true],
    ["llama3", true],
    ["claude-sonnet-4-5", false],
  ])("runs every turn for --model %s without an overflow (estimates exact: %s)", async (model, exact) => {
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
    const estimatedExactly = records.filter(
      (r: { estimatedInputTokens: number; inputTokens: number }) => r.estimatedInputTokens === r.inputTokens,
    );
    expect(estimatedExactly.length === records.length).toBe(exact);
  });

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

/** The pnpm that runs this suite (`pnpm test` sets npm_execpath), else the repository's pinned one through npx. */
async function pnpmCommand(): Promise<string[]> {
  const execPath = process.env.npm_execpath;
  if (execPath && /pnpm\.c?js$/.test(execPath)) return [process.execPath, execPath];
  const { packageManager } = JSON.parse(await readFile(new URL("../package.json", import.meta.url), "utf8")) as { packageManager: string };
  return ["npx", "-y", packageManager];
}
