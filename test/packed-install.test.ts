import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * What npm users get: each package packed as it would be published (pnpm pack turns `workspace:`
 * ranges into versions), installed with npm into an empty app. Third-party dependencies come from
 * the npm registry (npm's cache first); the @tokenledger packages only from these tarballs.
 */
const root = fileURLToPath(new URL("..", import.meta.url));
const packageManager = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).packageManager as string;
/** The pnpm running this test (`pnpm test`), else the repository's own through npx. */
const pnpm = process.env.npm_execpath?.includes("pnpm") ? [process.execPath, process.env.npm_execpath] : ["npx", "-y", packageManager];
const work = mkdtempSync(join(tmpdir(), "tokenledger-packed-"));
const tarballs: Record<string, string> = {};

const run = (cwd: string, command: string, args: string[]) =>
  execFileSync(command, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });

/** An empty app with `dependencies`, the @tokenledger ones pinned to the local tarballs. */
function install(name: string, dependencies: Record<string, string>): string {
  const app = join(work, name);
  mkdirSync(app);
  const local = Object.fromEntries(Object.keys(tarballs).map((pkg) => [pkg, `file:${tarballs[pkg]}`]));
  writeFileSync(
    join(app, "package.json"),
    JSON.stringify({
      name,
      private: true,
      type: "module",
      dependencies: Object.fromEntries(Object.entries(dependencies).map(([d, v]) => [d, local[d] ?? v])),
      overrides: local,
    }),
  );
  run(app, "npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error"]);
  return app;
}

/** Every installed package folder under node_modules, nested ones too, as `name` strings. */
function installed(app: string): string[] {
  const names: string[] = [];
  const walk = (modules: string) => {
    for (const entry of safeReaddir(modules)) {
      if (entry.startsWith(".")) continue;
      const dirs = entry.startsWith("@") ? safeReaddir(join(modules, entry)).map((s) => `${entry}/${s}`) : [entry];
      for (const pkg of dirs) {
        names.push(pkg);
        walk(join(modules, pkg, "node_modules"));
      }
    }
  };
  walk(join(app, "node_modules"));
  return names;
}

const safeReaddir = (dir: string) => {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
};

function sizeOf(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.size;
  return readdirSync(path).reduce((sum, entry) => sum + sizeOf(join(path, entry)), 0);
}

beforeAll(() => {
  const out = join(work, "tarballs");
  mkdirSync(out);
  for (const dir of ["core", "langchain", "cli", "otel", "store"]) {
    const pkg = JSON.parse(readFileSync(join(root, "packages", dir, "package.json"), "utf8")) as { name: string };
    const printed = run(join(root, "packages", dir), pnpm[0]!, [...pnpm.slice(1), "pack", "--pack-destination", out]);
    tarballs[pkg.name] = printed.trim().split("\n").at(-1)!.trim();
  }
}, 180_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("the packed tarballs, installed with npm", () => {
  it("each carries the LICENSE, the README and the CHANGELOG", () => {
    for (const [name, tarball] of Object.entries(tarballs)) {
      const files = run(work, "tar", ["-tzf", tarball]).split("\n");
      expect(files, name).toEqual(
        expect.arrayContaining(["package/LICENSE", "package/README.md", "package/CHANGELOG.md", "package/package.json"]),
      );
    }
  });

  it("the CLI brings @tokenledger/core and no LangChain", () => {
    const app = install("cli-app", { tokenledger: "*" });
    const names = installed(app);
    expect(names).toContain("@tokenledger/core");
    expect(names.filter((n) => /^@langchain\/|^langchain$|^langsmith$|^@tokenledger\/langchain$|^openai$|^zod$/.test(n))).toEqual([]);
    const megabytes = sizeOf(join(app, "node_modules")) / 1e6;
    console.log(
      `npm install of the packed CLI: ${names.length} packages, ${megabytes.toFixed(1)} MB in node_modules (${names.join(", ")})`,
    );
    // The store drivers are the CLI's optional dependencies, so that `report --store` works with
    // nothing else installed: libsql's prebuilt binaries are most of it (npm installs both its
    // glibc and musl builds, as it cannot tell them apart).
    expect(megabytes).toBeLessThan(60);
    const out = run(app, process.execPath, [join(app, "node_modules", "tokenledger", "dist", "cli.js"), "inspect", "人工智能", "--json"]);
    // OpenAI's tiktoken splits 人工智能 into 人工 (47243) and 智能 (60319) in o200k_base.
    expect(JSON.parse(out)).toMatchObject({ encoding: "o200k_base", count: 2, tokens: [{ id: 47243 }, { id: 60319 }] });
  }, 240_000);

  it("an app with langchain and otel ends with one @tokenledger/core, so registerModel reaches the ledger and trimHistory", () => {
    const app = install("langchain-app", {
      "@tokenledger/core": "*",
      "@tokenledger/langchain": "*",
      "@tokenledger/otel": "*",
      "@langchain/core": "1.4.0",
      "@opentelemetry/api": "1.9.0",
    });
    expect(
      installed(app)
        .filter((n) => n.startsWith("@tokenledger/"))
        .sort(),
    ).toEqual(["@tokenledger/core", "@tokenledger/langchain", "@tokenledger/otel"]);
    // npm itself checks the tree, peers included: `npm ls` exits non-zero on a missing or invalid one.
    run(app, "npm", ["ls", "--all", "--loglevel=error"]);
    writeFileSync(
      join(app, "main.js"),
      `import { registerModel } from "@tokenledger/core";
import { TokenLedgerHandler, trimHistory } from "@tokenledger/langchain";
import { instrumentLedger } from "@tokenledger/otel";
import { HumanMessage } from "@langchain/core/messages";
registerModel({ match: "acme-llm", encoding: "cl100k_base", contextWindow: 60, maxOutputTokens: 20 });
const ledger = new TokenLedgerHandler();
const stop = instrumentLedger(ledger);
ledger.handleChatModelStart({ lc: 1, type: "not_implemented", id: ["X"] }, [[new HumanMessage("Hello")]], "r1", undefined, { invocation_params: { model: "acme-llm" } });
ledger.handleLLMEnd({ generations: [[{ text: "Hi" }]] }, "r1");
stop();
const history = Array.from({ length: 20 }, (_, i) => new HumanMessage("message " + i));
const kept = trimHistory(history, { model: "acme-llm" });
const [record] = ledger.records();
console.log(JSON.stringify({ contextWindow: record.contextWindow, flags: record.flags, kept: kept.length }));
`,
    );
    const result = JSON.parse(run(app, process.execPath, ["main.js"]));
    // The window the user registered (60, minus 20 reserved for output) and no unknown-model flag:
    // a second copy of core would know nothing of "acme-llm" and trimHistory would throw.
    expect(result.contextWindow).toBe(60);
    expect(result.flags).not.toContain("unknown-model");
    expect(result.kept).toBeGreaterThan(0);
    expect(result.kept).toBeLessThan(20);
  }, 300_000);
});
