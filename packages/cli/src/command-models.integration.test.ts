// `tokenledger models` as users run it: the built CLI (dist/cli.js) as a child process.
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { DEFAULT_PRICING, MODEL_LIMITS, resolveModel } from "@tokenledger/core";
import { describe, expect, it } from "vitest";

const bin = fileURLToPath(new URL("../dist/cli.js", import.meta.url));
const run = promisify(execFile);
const tokenledger = (args: string[]) => run(process.execPath, [bin, ...args], { maxBuffer: 1 << 26 });
const fails = (args: string[]) =>
  tokenledger(args).then(
    () => ({ code: 0, stderr: "" }),
    (e: { code: number; stderr: string }) => e,
  );

interface Row {
  model: string;
  provider: string | null;
  contextWindow: number | null;
  maxOutputTokens: number | null;
  encoding: string;
  chatFormat: string;
  exact: boolean;
  inputUsdPerMillion: number | null;
  source: string | null;
}
const listed = async (args: string[]): Promise<Row[]> => JSON.parse((await tokenledger([...args, "--json"])).stdout).models;

describe("tokenledger models", () => {
  it("lists the whole table: OpenAI's and every priced catalog model, each as resolveModel and DEFAULT_PRICING give it", async () => {
    const rows = await listed(["models"]);
    const names = rows.map((r) => r.model);
    for (const name of [...Object.keys(MODEL_LIMITS), ...Object.keys(DEFAULT_PRICING)]) expect(names, name).toContain(name);
    expect(new Set(names).size).toBe(names.length);
    for (const row of rows) {
      const info = resolveModel(row.model);
      expect(row, row.model).toMatchObject({
        encoding: info.encoding,
        chatFormat: info.chatFormat,
        contextWindow: info.contextWindow ?? null,
      });
    }
  });

  it("keeps the names or providers that contain FILTER", async () => {
    const claude = await listed(["models", "claude"]);
    expect(claude.length).toBeGreaterThan(5);
    for (const row of claude) expect(row.model).toContain("claude");
    // Anthropic's model page: Claude 3.5 Haiku, 200,000 tokens in, 8,192 out, $0.80 per million input tokens.
    expect(claude.find((r) => r.model === "claude-3-5-haiku-20241022")).toMatchObject({
      provider: "anthropic",
      contextWindow: 200_000,
      maxOutputTokens: 8_192,
      exact: false,
      inputUsdPerMillion: 0.8,
    });
    // A provider's spelling is normalised first: anthropic/claude-3.5-haiku finds claude-3-5-haiku*.
    expect((await listed(["models", "anthropic/claude-3.5-haiku"])).map((r) => r.model)).toContain("claude-3-5-haiku-20241022");
    const groq = await listed(["models", "groq"]);
    expect(groq.length).toBeGreaterThan(0);
    for (const row of groq) expect(`${row.model} ${row.provider}`).toContain("groq");
  });

  it("shows OpenAI's published limits, exact counting and the source of each window", async () => {
    const rows = await listed(["models", "o1"]);
    // OpenAI's model pages: o1-mini 128,000 / 65,536; o1-preview 128,000 / 32,768; o1 200,000 / 100,000.
    expect(rows.find((r) => r.model === "o1-mini")).toMatchObject({ contextWindow: 128_000, maxOutputTokens: 65_536, exact: true });
    expect(rows.find((r) => r.model === "o1-preview")).toMatchObject({ contextWindow: 128_000, maxOutputTokens: 32_768 });
    expect(rows.find((r) => r.model === "o1")).toMatchObject({ contextWindow: 200_000, maxOutputTokens: 100_000, encoding: "o200k_base" });
    expect(rows.find((r) => r.model === "o1-mini")?.source).toMatch(/^OpenAI: o1-mini/);
  });

  it("prints a table with a header, one line per model, and its sources", async () => {
    const { stdout } = await tokenledger(["models", "gemini-1.5-pro"]);
    const lines = stdout.split("\n");
    expect(lines[0]).toMatch(/^model\s+provider\s+window\s+max out\s+encoding\s+count\s+\$\/M in\s+\$\/M out$/);
    // Google's Gemini API models page: Gemini 1.5 Pro, 2,097,152 tokens in, 8,192 out.
    expect(lines[1]).toMatch(/^gemini-1\.5-pro\s+google\s+2097152\s+8192\s+o200k_base\s+approx\s+1\.25\s+5$/);
    expect(stdout).toMatch(/\nlimits: .*\nprices: /);
  });

  it("fails with exit 2 for a filter that keeps nothing or for more than one", async () => {
    const none = await fails(["models", "no-such-model-xyz"]);
    expect(none.code).toBe(2);
    expect(none.stderr).toBe(
      'tokenledger: models takes no arguments but a FILTER, and no model name or provider contains "no-such-model-xyz"\n',
    );
    const two = await fails(["models", "claude", "gpt"]);
    expect(two.code).toBe(2);
    expect(two.stderr).toMatch(/^tokenledger: models takes no arguments but one FILTER/);
  });
});
