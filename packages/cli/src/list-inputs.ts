import { statSync } from "node:fs";
import picomatch from "picomatch";
import { isBinaryFile } from "./binary-check.js";
import { warn } from "./cli-output.js";
import { walkFolder } from "./walk-folder.js";

export interface Input {
  path: string;
  /** A regular file (its size known), or a FIFO or device read as a stream. */
  kind: "file" | "stream";
}

/**
 * The inputs an argument names. A path that exists is that path, even when it looks like a glob:
 * a file (or FIFO or device, read as a stream) is itself; a folder is every text file below it
 * (`walkFolder`: any name, skipping `.git`, `node_modules`, binary files and what git ignores).
 * A folder that is itself ignored is counted because it was named, by its own `.gitignore` files
 * only, with a note. Otherwise a quoted glob is expanded the same way.
 *
 * @example
 * ```ts
 * await listInputs("src");        // [{ path: "src/a.ts", kind: "file" }, ...]
 * await listInputs("src/**\/*.ts"); // the same walk, filtered by the glob
 * ```
 */
export async function listInputs(arg: string): Promise<Input[]> {
  const stat = statSync(arg, { throwIfNoEntry: false });
  if (stat?.isDirectory()) return (await walk(arg)).map(file);
  if (stat) return [{ path: arg, kind: stat.isFile() ? "file" : "stream" }];
  const scan = picomatch.scan(arg);
  if (!scan.isGlob) throw Object.assign(new Error(`cannot read ${arg}: ENOENT`), { code: "ENOENT" });
  const files = await walk(scan.base || ".", globTest(scan.glob));
  if (files.length === 0) throw Object.assign(new Error(`no files match ${arg}`), { code: "no files match" });
  return files.map(file);
}

const file = (path: string): Input => ({ path, kind: "file" });

/** picomatch's test, with `.` matching a newline too (its `**` would skip a name that holds one). */
function globTest(glob: string): (relativePath: string) => boolean {
  const re = picomatch.makeRe(glob, { dot: true });
  const dotAll = new RegExp(re.source, `${re.flags.replace("s", "")}s`);
  return (relativePath) => dotAll.test(relativePath);
}

async function walk(root: string, match?: (relativePath: string) => boolean): Promise<string[]> {
  let files = await walkFolder(root, { match });
  if (files.length === 0) {
    const own = await walkFolder(root, { match, ownRulesOnly: true });
    if (own.length > 0) {
      warn(`note: ${root} is excluded by a .gitignore above it; counting it because it was named`);
      files = own;
    }
  }
  return files.filter((path) => !isBinaryFile(path));
}
