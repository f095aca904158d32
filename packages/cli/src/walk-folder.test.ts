import { execFileSync } from "node:child_process";
import { closeSync, ftruncateSync, mkdirSync, mkdtempSync, openSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { walkFolder } from "./walk-folder.js";

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "tokenledger-walk-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function tree(name: string, files: Record<string, string>): string {
  const root = join(dir, name);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, ".."), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

const relative = (root: string, files: string[]) => files.map((f) => f.slice(root.length + 1));

describe("walkFolder", () => {
  it("lists every name the file system holds: glob characters, newlines, escape sequences", async () => {
    const names = ["\\!x.txt", "a\nb.txt", "\u001b[31mred.txt", "x[1].txt", "*.txt", "{a,b}", "!neg", "#hash", " lead"];
    const root = tree("odd", Object.fromEntries(names.map((n) => [n, n])));
    expect(relative(root, await walkFolder(root))).toEqual([...names].sort());
  });

  it("every generated name is listed exactly once", async () => {
    const name = fc
      .string({ unit: "binary", minLength: 1, maxLength: 12 })
      .filter((n) => !n.includes("/") && !n.includes("\0") && n !== "." && n !== ".." && n !== ".git" && n !== ".gitignore")
      .filter((n) => Buffer.byteLength(n) <= 255 && !/[\ud800-\udfff]/.test(n));
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(name, { minLength: 1, maxLength: 5 }), async (names) => {
        const root = tree(`prop-${run++}`, Object.fromEntries(names.map((n) => [n, "x"])));
        expect(relative(root, await walkFolder(root)).sort()).toEqual([...names].sort());
      }),
      { numRuns: 40 },
    );
  });

  it("applies nested .gitignore files as git does: anchored to their folder, the deeper deciding", async () => {
    const root = tree("ignores", {
      ".gitignore": "*.log\nbuild/\n/top.txt\n",
      "top.txt": "ignored: anchored to the root",
      "a.log": "ignored",
      "build/out.js": "ignored folder",
      "sub/.gitignore": "!keep.log\n",
      "sub/keep.log": "re-included by the deeper file",
      "sub/drop.log": "ignored",
      "sub/top.txt": "kept: /top.txt is anchored to the root",
    });
    expect(relative(root, await walkFolder(root))).toEqual([".gitignore", "sub/.gitignore", "sub/keep.log", "sub/top.txt"]);
  });

  it("skips .git, node_modules below the folder and symbolic links; a named node_modules is walked", async () => {
    const root = tree("skips", { "a.txt": "a", ".git/config": "x", "node_modules/p/index.js": "x", "deep/node_modules/q.js": "x" });
    symlinkSync(join(root, "a.txt"), join(root, "link.txt"));
    expect(relative(root, await walkFolder(root))).toEqual(["a.txt"]);
    expect(await walkFolder(join(root, "node_modules"))).toEqual([join(root, "node_modules", "p", "index.js")]);
  });

  it("applies the .gitignore files above the folder up to the repository, unless asked for its own only", async () => {
    const root = tree("repo", { ".git/info/exclude": "secret.md\n", ".gitignore": "gen/\n", "gen/a.ts": "a", "gen/secret.md": "s" });
    expect(await walkFolder(join(root, "gen"))).toEqual([]);
    expect(await walkFolder(join(root, "gen"), { ownRulesOnly: true })).toEqual([join(root, "gen", "a.ts")]);
  });

  it("walks a linked worktree, whose .git is a file", async () => {
    const root = tree("worktree", { ".git": "gitdir: /elsewhere\n", ".gitignore": "*.log\n", "a.txt": "a", "b.log": "b" });
    expect(relative(root, await walkFolder(root))).toEqual([".gitignore", "a.txt"]);
  });

  it("never reads an ignore file that is a FIFO, nor one over 100 MiB", async () => {
    const root = tree("special", { "a.txt": "a", "sub/b.txt": "b" });
    const fd = openSync(join(root, "sub", ".gitignore"), "w");
    ftruncateSync(fd, 100 * 2 ** 20 + 1);
    closeSync(fd);
    if (process.platform !== "win32") execFileSync("mkfifo", [join(root, ".gitignore")]);
    expect(relative(root, await walkFolder(root))).toEqual(["a.txt", "sub/.gitignore", "sub/b.txt"]);
  });
});
