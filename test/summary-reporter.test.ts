import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const vitest = join(dirname(createRequire(import.meta.url).resolve("vitest/package.json")), "vitest.mjs");
const fixtures = fileURLToPath(new URL("./fixtures/summary-reporter/", import.meta.url));
const reporter = fileURLToPath(new URL("./summary-reporter.ts", import.meta.url));

/** vitest's own summary line, e.g. `Tests  1 failed | 2 passed | 2 skipped (5)`, as numbers. */
function vitestCounts(output: string, title: string): Record<string, number> {
  const line = output.split("\n").find((l) => l.trim().startsWith(title));
  if (!line) throw new Error(`no "${title}" line in vitest's output:\n${output}`);
  const counts: Record<string, number> = { passed: 0, failed: 0, skipped: 0 };
  for (const [, n, what] of line.matchAll(/(\d+) (passed|failed|skipped)/g)) counts[what!] = Number(n);
  return counts;
}

/** Runs vitest on the fixture suites with the summary reporter; `args` add to the command line. */
function runFixtures(args: string[] = []) {
  const run = spawnSync(process.execPath, [vitest, "run", "--root", fixtures, "--reporter=default", `--reporter=${reporter}`, ...args], {
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0", CI: "1" },
    timeout: 240_000,
  });
  return { run, output: run.stdout + run.stderr };
}

describe("the summary reporter", () => {
  it("counts a file that fails to load or whose beforeAll throws as failed, with vitest's own numbers", () => {
    const { run, output } = runFixtures();
    expect(run.status, output).toBe(1);
    const [detail, last] = run.stdout.trimEnd().split("\n").slice(-2);
    // The fixtures by construction: passes.fixture (1 test) passes; import-error.fixture fails to load;
    // before-all-throws.fixture's one test is skipped after its hook fails; mixed.fixture has 1 pass, 1 fail, 1 skip.
    expect(detail).toBe("FAIL: tests 2 passed, 1 failed, 2 skipped; files 1 passed, 3 failed; errors 0");
    const tests = vitestCounts(output, "Tests");
    const files = vitestCounts(output, "Test Files");
    expect(detail).toContain(`tests ${tests.passed} passed, ${tests.failed} failed, ${tests.skipped} skipped;`);
    expect(detail).toContain(`files ${files.passed} passed, ${files.failed} failed;`);
    // The line CI reads: plain, alone, and its failures hold the failed test and both files that failed without one.
    expect(last).toBe("2 passed, 3 failed, 2 skipped");
    expect(last).toMatch(/^\d+ passed, \d+ failed, \d+ skipped$/);
  }, 300_000);

  it("counts the files of every project once when the run has projects (unit and integration)", () => {
    const { run, output } = runFixtures(["--config", join(fixtures, "projects.config.ts")]);
    expect(run.status, output).toBe(1);
    const [detail, last] = run.stdout.trimEnd().split("\n").slice(-2);
    expect(detail).toBe("FAIL: tests 2 passed, 1 failed, 2 skipped; files 1 passed, 3 failed; errors 0");
    expect(last).toBe("2 passed, 3 failed, 2 skipped");
  }, 300_000);
});
