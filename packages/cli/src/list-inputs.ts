import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { globby } from "globby";
import ignore from "ignore";
import picomatch from "picomatch";
import { isBinaryFile } from "./binary-check.js";
import { warn } from "./cli-output.js";

export interface Input {
  path: string;
  /** A regular file (its size known), or a FIFO or device read as a stream. */
  kind: "file" | "stream";
}

/**
 * The inputs an argument names. A path that exists is that path, even when it looks like a glob:
 * a file (or FIFO or device, read as a stream) is itself; a folder is every text file below it,
 * skipping `.git`, `node_modules` below it, binary files and what `.gitignore` files (its own,
 * nested ones anchored to their folders, and those above it up to the repository's root) and
 * `.git/info/exclude` exclude. A folder that is itself ignored is counted because it was named,
 * by its own `.gitignore` files only, with a note. Otherwise a quoted glob is expanded the same way.
 *
 * @example
 * ```ts
 * await listInputs("src");        // [{ path: "src/a.ts", kind: "file" }, ...]
 * await listInputs("src/**\/*.ts"); // the same walk, filtered by the glob
 * ```
 */
export async function listInputs(arg: string): Promise<Input[]> {
  const stat = statSync(arg, { throwIfNoEntry: false });
  if (stat?.isDirectory()) return (await walk(arg, "**")).map(file);
  if (stat) return [{ path: arg, kind: stat.isFile() ? "file" : "stream" }];
  const scan = picomatch.scan(arg);
  if (!scan.isGlob) throw Object.assign(new Error(`cannot read ${arg}: ENOENT`), { code: "ENOENT" });
  const files = await walk(scan.base || ".", scan.glob);
  if (files.length === 0) throw Object.assign(new Error(`no files match ${arg}`), { code: "no files match" });
  return files.map(file);
}

const file = (path: string): Input => ({ path, kind: "file" });

async function walk(root: string, pattern: string): Promise<string[]> {
  const options = { cwd: root, dot: true, onlyFiles: true, followSymbolicLinks: false, suppressErrors: true };
  const skip = ["**/.git/**", "**/node_modules/**"];
  let files = await globby(pattern, { ...options, gitignore: true, ignore: skip });
  if (files.length === 0) {
    const own = await globby(pattern, { ...options, ignoreFiles: "**/.gitignore", ignore: skip });
    if (own.length > 0) {
      warn(`note: ${root} is excluded by a .gitignore above it; counting it because it was named`);
      files = own;
    }
  }
  const excluded = infoExclude(root);
  return files
    .map((f) => join(root, f))
    .filter((path) => !excluded(path) && !isBinaryFile(path))
    .sort();
}

/** `.git/info/exclude` of the repository holding `root`, as a test on paths (relative to the cwd). */
function infoExclude(root: string): (path: string) => boolean {
  let dir = resolve(root);
  while (!existsSync(join(dir, ".git"))) {
    if (dirname(dir) === dir) return () => false;
    dir = dirname(dir);
  }
  let text: string;
  try {
    text = readFileSync(join(dir, ".git", "info", "exclude"), "utf8");
  } catch {
    return () => false;
  }
  const rules = ignore().add(text);
  const gitRoot = dir;
  return (path) => rules.ignores(relative(gitRoot, resolve(path)));
}
