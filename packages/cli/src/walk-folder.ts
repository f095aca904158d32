import { existsSync, readFileSync, type Stats, statSync } from "node:fs";
import { readdir } from "node:fs/promises";
import { dirname, join, relative, resolve, sep } from "node:path";
import ignore, { type Ignore } from "ignore";
import { warn } from "./cli-output.js";

/** One ignore file's rules, anchored to the folder `base` (absolute). */
interface Rules {
  base: string;
  rules: Ignore;
}

export interface WalkOptions {
  /** Apply only the `.gitignore` files in and below the folder (and `.git/info/exclude`), not those above it. */
  ownRulesOnly?: boolean;
  /** Keep only the files whose path relative to the folder (with `/`) passes. */
  match?: (relativePath: string) => boolean;
}

/**
 * The regular files below `root` (paths joined to `root`, sorted), read with `readdir` itself, so
 * any name the file system holds is listed: glob characters (`\!x.txt`, `[1]`), newlines, escape
 * sequences. Skips `.git`, `node_modules` below `root`, symbolic links and what git ignores:
 * `.gitignore` files (each anchored to its folder, a deeper one deciding first), those above
 * `root` up to the repository's root, and `.git/info/exclude`. A folder that cannot be read is
 * skipped with a note.
 *
 * @example
 * ```ts
 * await walkFolder("src"); // ["src/a.ts", "src/deep/b.ts"]
 * ```
 */
export async function walkFolder(root: string, opts: WalkOptions = {}): Promise<string[]> {
  const top = resolve(root);
  const chain: Rules[] = [];
  const repository = repositoryOf(top);
  if (repository !== undefined) {
    const exclude = rulesFrom(join(repository, ".git", "info", "exclude"), repository);
    if (exclude) chain.push(exclude);
    if (!opts.ownRulesOnly) {
      const above: Rules[] = [];
      for (let dir = dirname(top); dir.length >= repository.length && dir !== top; dir = dirname(dir)) {
        const rules = rulesFrom(join(dir, ".gitignore"), dir);
        if (rules) above.unshift(rules);
        if (dir === repository || dirname(dir) === dir) break;
      }
      chain.push(...above);
    }
  }
  const files: string[] = [];
  const visit = async (dir: string, shown: string, relativeDir: string, outer: Rules[]): Promise<void> => {
    const own = rulesFrom(join(dir, ".gitignore"), dir);
    const rules = own ? [...outer, own] : outer;
    const entries = await readdir(dir, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
      warn(`note: cannot read the folder ${shown}: ${error.code ?? error.message}; skipped`);
      return [];
    });
    for (const entry of entries) {
      if (entry.name === ".git") continue;
      const path = join(dir, entry.name);
      const relativePath = relativeDir ? `${relativeDir}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (entry.name !== "node_modules" && !ignoredBy(rules, path, true)) await visit(path, join(shown, entry.name), relativePath, rules);
      } else if (entry.isFile() && !ignoredBy(rules, path, false) && (opts.match?.(relativePath) ?? true)) {
        files.push(join(shown, entry.name));
      }
    }
  };
  await visit(top, root, "", chain);
  return files.sort();
}

/** The folder holding `.git` at or above `dir`, if any. */
function repositoryOf(dir: string): string | undefined {
  for (let at = dir; ; at = dirname(at)) {
    if (existsSync(join(at, ".git"))) return at;
    if (dirname(at) === at) return undefined;
  }
}

/** As git: an ignore file over 100 MiB is skipped with a note (and a FIFO or device is never read). */
export const MAX_IGNORE_FILE_BYTES = 100 * 2 ** 20;

function rulesFrom(file: string, base: string): Rules | undefined {
  let stat: Stats | undefined;
  try {
    stat = statSync(file, { throwIfNoEntry: false });
  } catch {
    // ENOTDIR: `.git` is a file in a linked worktree, so `.git/info/exclude` is not there.
    return undefined;
  }
  if (!stat?.isFile()) return undefined;
  if (stat.size > MAX_IGNORE_FILE_BYTES) {
    warn(`note: ${file} is over 100 MiB; its rules are not applied, as git does`);
    return undefined;
  }
  try {
    return { base, rules: ignore().add(readFileSync(file, "utf8")) };
  } catch {
    return undefined;
  }
}

/** Git's order: the deepest ignore file with a rule for the path decides; a `!rule` re-includes. */
function ignoredBy(chain: Rules[], path: string, isFolder: boolean): boolean {
  for (let i = chain.length - 1; i >= 0; i--) {
    const { base, rules } = chain[i]!;
    const relativePath = relative(base, path).split(sep).join("/") + (isFolder ? "/" : "");
    try {
      const { ignored, unignored } = rules.test(relativePath);
      if (ignored) return true;
      if (unignored) return false;
    } catch {
      // A name `ignore` cannot test as a relative path is not ignored by it.
    }
  }
  return false;
}
