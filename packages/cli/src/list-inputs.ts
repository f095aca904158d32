import { closeSync, openSync, readdirSync, readFileSync, readSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import ignore, { type Ignore } from "ignore";
import picomatch from "picomatch";

/** A file is binary when its first 8 KB hold a NUL byte, as git decides. */
export function isBinary(path: string): boolean {
  const fd = openSync(path, "r");
  try {
    const head = Buffer.alloc(8192);
    const n = readSync(fd, head, 0, head.length, 0);
    return head.subarray(0, n).includes(0);
  } finally {
    closeSync(fd);
  }
}

/**
 * The files an argument names: itself, or for a folder every text file below it, skipping
 * `.git`, `node_modules` and what the folder's `.gitignore` files exclude.
 */
export function listInputs(arg: string): string[] {
  if (picomatch.scan(arg).isGlob) return listGlob(arg);
  if (!statSync(arg).isDirectory()) return [arg];
  const files: string[] = [];
  walk(arg, arg, ignore(), files);
  return files.sort();
}

/** A glob the shell did not expand (quoted, or on Windows): the text files below its base that match it. */
function listGlob(pattern: string): string[] {
  const { base, glob } = picomatch.scan(pattern);
  const root = base || ".";
  const matches = picomatch(glob, { dot: false });
  const files = listInputs(root).filter((file) => matches(relative(root, file)));
  if (files.length === 0) throw Object.assign(new Error(`no files match ${pattern}`), { code: "no files match" });
  return files;
}

function walk(root: string, dir: string, parentRules: Ignore, out: string[]): void {
  let rules = parentRules;
  try {
    const text = readFileSync(join(dir, ".gitignore"), "utf8");
    const prefix = relative(root, dir);
    rules = ignore()
      .add(parentRules)
      .add(text.split("\n").map((line) => (prefix && line.trim() && !line.startsWith("#") ? anchored(prefix, line) : line)));
  } catch {}
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === ".git" || entry.name === "node_modules") continue;
    const path = join(dir, entry.name);
    const rel = relative(root, path);
    if (rules.ignores(entry.isDirectory() ? `${rel}/` : rel)) continue;
    if (entry.isDirectory()) walk(root, path, rules, out);
    else if (entry.isFile() && !isBinary(path)) out.push(path);
  }
}

/** A nested .gitignore's pattern, rewritten relative to the root. */
function anchored(prefix: string, line: string): string {
  const negated = line.startsWith("!");
  const pattern = negated ? line.slice(1) : line;
  const rooted =
    pattern.includes("/") && !pattern.endsWith("/")
      ? `${prefix}/${pattern.replace(/^\//, "")}`
      : `${prefix}/**/${pattern.replace(/^\//, "")}`;
  return negated ? `!${rooted}` : rooted;
}
