import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

/**
 * The rooms of this package, lowest first. A room's sources import only rooms below it, and
 * only through their door (`../<room>/index.js`); so the rooms form no cycle. Tests may import
 * any room (through its door) and another room's `*.test-helper.ts`.
 */
const ROOMS = ["shared", "counters", "ledger", "calibration", "recovery", "budget", "trim", "memory", "middleware"] as const;

const SRC = dirname(fileURLToPath(import.meta.url));

interface SourceFile {
  /** Path from `src/`, with forward slashes. */
  path: string;
  /** The room it lives in; undefined for the entry files at the top. */
  room: string | undefined;
  isTest: boolean;
  /** Every relative module it imports or re-exports, types included. */
  imports: string[];
}

function sourceFiles(dir = SRC): SourceFile[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    if (!entry.name.endsWith(".ts")) return [];
    const path = relative(SRC, full).split("\\").join("/");
    const text = readFileSync(full, "utf8");
    const imports = [...text.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|^\s*import\s+)["']([^"']+)["']/gm)]
      .map((m) => m[1]!)
      .filter((specifier) => specifier.startsWith("."));
    return [{ path, room: path.includes("/") ? path.split("/")[0] : undefined, isTest: /\.test(-helper)?\.ts$/.test(path), imports }];
  });
}

/** The room a relative import from `file` lands in, and the file it names inside that room. */
function target(file: SourceFile, specifier: string): { room: string | undefined; rest: string } {
  const path = join(dirname(file.path), specifier).split("\\").join("/");
  const [first, ...rest] = path.split("/");
  return rest.length === 0 ? { room: undefined, rest: first! } : { room: first, rest: rest.join("/") };
}

const files = sourceFiles();

describe("the rooms of @tokenledger/langchain", () => {
  it("are the folders of src/, each with its door", () => {
    const folders = readdirSync(SRC, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name);
    expect(folders.sort()).toEqual([...ROOMS].sort());
    for (const room of ROOMS) expect(files.some((f) => f.path === `${room}/index.ts`)).toBe(true);
  });

  it("import one another only through a door (../<room>/index.js)", () => {
    const around: string[] = [];
    for (const file of files) {
      for (const specifier of file.imports) {
        const to = target(file, specifier);
        if (to.room === file.room && file.room !== undefined) continue;
        if (to.room === undefined) {
          if (file.room !== undefined) around.push(`${file.path} -> ${specifier} (a room imports an entry file)`);
          continue;
        }
        if (to.rest === "index.js") continue;
        if (file.isTest && to.rest.endsWith(".test-helper.js")) continue;
        around.push(`${file.path} -> ${specifier}`);
      }
    }
    expect(around).toEqual([]);
  });

  it("stack one way: a room's sources import only rooms below it (no cycle)", () => {
    const upward: string[] = [];
    for (const file of files) {
      if (file.isTest || file.room === undefined) continue;
      const rank = ROOMS.indexOf(file.room as (typeof ROOMS)[number]);
      for (const specifier of file.imports) {
        const to = target(file, specifier);
        if (to.room === undefined || to.room === file.room) continue;
        if (ROOMS.indexOf(to.room as (typeof ROOMS)[number]) >= rank) upward.push(`${file.path} -> ${specifier}`);
      }
    }
    expect(upward).toEqual([]);
  });

  it("sees every import form it checks (a guard on the parser)", () => {
    const handler = files.find((f) => f.path === "ledger/token-ledger-handler.ts")!;
    expect(handler.imports).toContain("../shared/index.js");
    expect(files.find((f) => f.path === "index.ts")!.imports).toContain("./ledger/index.js");
  });
});
