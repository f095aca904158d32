import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { countMessages, countTokens, getEncoder } from "@tokenledger/core";
import { beforeAll, describe, expect, it } from "vitest";

/** The built `tokenledger` binary, run as a child process, as users run it. */
/** The built CLI, by path: a workspace dependency on it would make pnpm link its bin before it is built. */
const bin = fileURLToPath(new URL("../packages/cli/dist/cli.js", import.meta.url));
const run = promisify(execFile);
const tokenledger = (args: string[], input?: string) => {
  const child = run(process.execPath, [bin, ...args], { maxBuffer: 1 << 26 });
  if (input !== undefined) {
    child.child.stdin!.end(input);
  }
  return child;
};
const fails = (args: string[]) =>
  tokenledger(args).then(
    () => ({ code: 0, stderr: "" }),
    (e: { code: number; stderr: string }) => e,
  );

let dir: string;
const english = "The quick brown fox jumps over the lazy dog.\n".repeat(20);
const chinese = "人工智能正在改变世界，上下文窗口决定了模型一次能读多少文字。\n".repeat(10);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "tokenledger-cli-"));
  writeFileSync(join(dir, "english.txt"), english);
  writeFileSync(join(dir, "chinese.txt"), chinese);
  mkdirSync(join(dir, "tree", "build"), { recursive: true });
  mkdirSync(join(dir, "tree", "src"), { recursive: true });
  writeFileSync(join(dir, "tree", ".gitignore"), "build/\n*.log\n");
  writeFileSync(join(dir, "tree", "src", "a.ts"), "export const a = 1;\n");
  writeFileSync(join(dir, "tree", "src", "b.md"), "# Title\n\nSome text.\n");
  writeFileSync(join(dir, "tree", "src", "debug.log"), "ignored\n");
  writeFileSync(join(dir, "tree", "build", "out.js"), "ignored();\n");
  writeFileSync(join(dir, "tree", "src", "image.png"), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 13]));
});

describe("tokenledger count", () => {
  it("counts files as @tokenledger/core does, with totals, window and cost", async () => {
    const { stdout } = await tokenledger(["count", join(dir, "english.txt"), join(dir, "chinese.txt"), "--json"]);
    const result = JSON.parse(stdout);
    expect(result.files.map((f: { tokens: number }) => f.tokens)).toEqual([countTokens(english), countTokens(chinese)]);
    expect(result.total.tokens).toBe(countTokens(english) + countTokens(chinese));
    expect(result.total.characters).toBe(english.length + chinese.length);
    expect(result.contextWindow).toBe(128_000);
    expect(result.inputCostUsd).toBeCloseTo((result.total.tokens * 2.5) / 1e6, 12);
  });

  it("uses the model's encoding, or the one asked for", async () => {
    const gpt4 = JSON.parse((await tokenledger(["count", join(dir, "chinese.txt"), "--model", "gpt-4", "--json"])).stdout);
    expect(gpt4.encoding).toBe("cl100k_base");
    expect(gpt4.total.tokens).toBe(countTokens(chinese, { model: "gpt-4" }));
    const p50k = JSON.parse((await tokenledger(["count", join(dir, "english.txt"), "--encoding", "p50k_base", "--json"])).stdout);
    expect(p50k.total.tokens).toBe(getEncoder("p50k_base").count(english));
  });

  it("walks folders, skipping binary files and what .gitignore excludes", async () => {
    const result = JSON.parse((await tokenledger(["count", join(dir, "tree"), "--json"])).stdout);
    expect(result.files.map((f: { file: string }) => f.file.slice(dir.length + 1))).toEqual([
      "tree/.gitignore",
      "tree/src/a.ts",
      "tree/src/b.md",
    ]);
  });

  it("expands a quoted glob below its base", async () => {
    const result = JSON.parse((await tokenledger(["count", `${join(dir, "tree")}/**/*.ts`, "--json"])).stdout);
    expect(result.files.map((f: { file: string }) => f.file.slice(dir.length + 1))).toEqual(["tree/src/a.ts"]);
    const none = await fails(["count", `${dir}/*.nothing`]);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/no files match\n$/);
  });

  it("reads stdin and prints a human table", async () => {
    const { stdout } = await tokenledger(["count", "-"], english);
    expect(stdout).toContain(`${countTokens(english)} tokens (o200k_base)`);
    expect(stdout).toMatch(/of gpt-4o's 128,000-token window/);
  });

  it("streams a large file in bounded chunks to the exact count", async () => {
    const big = Array.from(
      { length: 60_000 },
      (_, i) => `${i % 3 ? english.slice(0, 45 + (i % 40)) : chinese.slice(0, 20 + (i % 11))} ${i}\n`,
    ).join("");
    const path = join(dir, "big.txt");
    writeFileSync(path, big);
    expect(Buffer.byteLength(big)).toBeGreaterThan(4 << 20);
    const result = JSON.parse((await tokenledger(["count", path, "--json"])).stdout);
    expect(result.total.tokens).toBe(countTokens(big));
  });
});

describe("tokenledger chat, inspect, models", () => {
  it("counts a Chat Completions body with tools as countMessages does", async () => {
    const body = {
      model: "gpt-4o",
      messages: [
        { role: "system", content: "You are a helpful assistant." },
        { role: "user", content: "What's the weather like in San Francisco?" },
      ],
      tools: [
        {
          type: "function",
          function: {
            name: "get_weather",
            description: "Get the weather",
            parameters: { type: "object", properties: { city: { type: "string" } } },
          },
        },
      ],
    };
    const path = join(dir, "chat.json");
    writeFileSync(path, JSON.stringify(body, null, 2));
    const result = JSON.parse((await tokenledger(["chat", path, "--json"])).stdout);
    const expected = countMessages(body.messages, { model: "gpt-4o", tools: body.tools as never });
    expect(result).toMatchObject({
      total: expected.total,
      perMessage: expected.perMessage,
      tools: expected.tools,
      replyPriming: 3,
      fits: true,
    });
    expect((await tokenledger(["chat", path])).stdout).toMatch(new RegExp(`total\\s+${expected.total}`));
  });

  it("shows that 人工智能 is 5 tokens in cl100k_base and 2 in o200k_base", async () => {
    const compare = JSON.parse((await tokenledger(["inspect", "人工智能", "--compare", "--json"])).stdout);
    expect(compare.map((v: { encoding: string; count: number }) => [v.encoding, v.count])).toEqual([
      ["o200k_base", 2],
      ["cl100k_base", 5],
    ]);
    const { stdout } = await tokenledger(["inspect", "hello world", "--model", "gpt-4o"]);
    expect(stdout).toContain("[hello|24912] [ world|2375]");
  });

  it("lists the model table with its sources", async () => {
    const result = JSON.parse((await tokenledger(["models", "--json"])).stdout);
    expect(result.models.find((m: { model: string }) => m.model === "gpt-4o")).toMatchObject({
      encoding: "o200k_base",
      contextWindow: 128_000,
      inputUsdPerMillion: 2.5,
    });
    expect(result.limitsSource).toMatch(/2026-11-28/);
  });
});

describe("tokenledger errors: one line, non-zero exit, no stack trace", () => {
  it("a missing file", async () => {
    const e = await fails(["count", join(dir, "nope.txt")]);
    expect(e.code).toBe(1);
    expect(e.stderr).toMatch(/^tokenledger: cannot read .*nope\.txt: ENOENT\n$/);
  });

  it("invalid JSON, with line and column", async () => {
    const path = join(dir, "bad.json");
    writeFileSync(path, '{\n  "messages": [\n    { "role": "user", "content": "hi" },\n  ]\n}');
    const e = await fails(["chat", path]);
    expect(e.code).toBe(1);
    expect(e.stderr).toMatch(/^tokenledger: .*bad\.json:4:3: invalid JSON/);
    expect(e.stderr.trim().split("\n")).toHaveLength(1);
  });

  it("an unknown model: a warning and the fallback, or an error with --strict", async () => {
    const warned = await tokenledger(["count", join(dir, "english.txt"), "--model", "my-llm"]);
    expect(warned.stderr).toBe('tokenledger: unknown model "my-llm": counting with o200k_base\n');
    const e = await fails(["count", join(dir, "english.txt"), "--model", "my-llm", "--strict"]);
    expect(e.code).toBe(1);
    expect(e.stderr).toBe('tokenledger: unknown model "my-llm" (--strict)\n');
  });

  it("an unknown flag or command", async () => {
    const flag = await fails(["count", "--bogus"]);
    expect(flag.code).toBe(2);
    expect(flag.stderr.trim().split("\n")).toHaveLength(1);
    const command = await fails(["frobnicate"]);
    expect(command.code).toBe(2);
    expect(command.stderr).toBe('tokenledger: unknown command "frobnicate"; see tokenledger --help\n');
  });
});
