import type { Reporter, SerializedError, TestModule, TestRunEndReason } from "vitest/node";

/**
 * Ends the run with one plain line that CI reads and that tells the truth:
 * `PASS: tests 170 passed, 0 failed, 1 skipped; files 14 passed, 0 failed; errors 0`.
 * Test and file counts are vitest's own (its `Tests` and `Test Files` lines): a file that
 * fails without a failing test (an import error, a `beforeAll` that throws, a browser that
 * does not start) is a failed file, and an error outside any test is counted in `errors`.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<SerializedError>, reason: TestRunEndReason): void {
    const tests = { passed: 0, failed: 0, skipped: 0 };
    const files = { passed: 0, failed: 0, skipped: 0 };
    for (const module of testModules) {
      const state = module.state();
      if (state === "passed" || state === "failed" || state === "skipped") files[state]++;
      for (const test of module.children.allTests()) {
        const result = test.result().state;
        if (result === "passed" || result === "failed" || result === "skipped") tests[result]++;
      }
    }
    const verdict = reason === "passed" ? "PASS" : reason === "interrupted" ? "INTERRUPTED" : "FAIL";
    process.stdout.write(
      `\n${verdict}: tests ${tests.passed} passed, ${tests.failed} failed, ${tests.skipped} skipped; ` +
        `files ${files.passed} passed, ${files.failed} failed${files.skipped ? `, ${files.skipped} skipped` : ""}; errors ${unhandledErrors.length}\n`,
    );
  }
}
