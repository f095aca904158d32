// bench/RESULTS.md is written by `pnpm bench` (run.mjs) and by nothing else: every figure the
// repository quotes lives there, under the line that says when, on which commit and on which machine.
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";

export const RESULTS = new URL("./RESULTS.md", import.meta.url);

/** The commit the run measured, with a mark when the working tree differs from it. */
function commit() {
  const git = (...args) => execFileSync("git", args, { cwd: new URL(".", import.meta.url), encoding: "utf8" }).trim();
  try {
    const sha = git("rev-parse", "--short", "HEAD");
    return git("status", "--porcelain", "--untracked-files=no") ? `${sha} + uncommitted changes` : sha;
  } catch {
    return "unknown commit (not a git checkout)";
  }
}

/** When and where: UTC start time, commit, Node, CPU model and count, memory, load average at start. */
export function runLine(start = new Date()) {
  const when = start.toISOString().slice(0, 16).replace("T", " ");
  const load = loadavg()
    .map((n) => n.toFixed(2))
    .join(" ");
  return `${when} UTC, commit ${commit()}, Node ${process.version}, ${cpus()[0]?.model} (${cpus().length} cores, ${Math.round(totalmem() / 1e9)} GB), load average at start ${load}`;
}

/** Writes RESULTS.md: the title and run line, whether every check passed, then the run's sections. */
export function writeResults(runLine, sections, failures, path = RESULTS) {
  const verdict = failures.length
    ? `Checks: ${failures.length} missed their target (the run exited 1):\n\n${failures.map((f) => `- ${f}`).join("\n")}`
    : "Checks: every row met its target (the run exited 0).";
  const head = "<!-- Written by `pnpm bench` (bench/run.mjs); do not edit by hand: re-run it on a quiet machine. -->";
  writeFileSync(path, `${[head, "# tokenledger benchmark", runLine, verdict, ...sections].join("\n\n").trimEnd()}\n`);
}
