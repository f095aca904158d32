import type { Reporter, SerializedError, TestModule, TestRunEndReason } from "vitest/node";

/**
 * Ends the run with two lines. The first has vitest's own numbers (its `Tests` and `Test Files` lines):
 * `PASS: tests 170 passed, 0 failed, 1 skipped; files 14 passed, 0 failed; errors 0`.
 * The last is the plain line CI reads, `170 passed, 0 failed, 1 skipped`, whose failed count also
 * holds every file that failed without a failing test (an import error, a `beforeAll` that throws,
 * a browser that does not start) and every error outside any test, so a red run never reads green.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<SerializedError>, reason: TestRunEndReason): void {
    const tests = { passed: 0, failed: 0, skipped: 0 };
    const files = { passed: 0, failed: 0, skipped: 0 };
    let filesFailedWithoutFailedTest = 0;
    for (const module of testModules) {
      const state = module.state();
      if (state === "passed" || state === "failed" || state === "skipped") files[state]++;
      let failedTests = 0;
      for (const test of module.children.allTests()) {
        const result = test.result().state;
        if (result === "passed" || result === "failed" || result === "skipped") tests[result]++;
        if (result === "failed") failedTests++;
      }
      if (state === "failed" && failedTests === 0) filesFailedWithoutFailedTest++;
    }
    const verdict = reason === "passed" ? "PASS" : reason === "interrupted" ? "INTERRUPTED" : "FAIL";
    let failed = tests.failed + filesFailedWithoutFailedTest + unhandledErrors.length;
    // A run that did not pass (interrupted, or failed for a reason no count above holds) is never "0 failed".
    if (reason !== "passed" && failed === 0) failed = 1;
    process.stdout.write(
      `\n${verdict}: tests ${tests.passed} passed, ${tests.failed} failed, ${tests.skipped} skipped; ` +
        `files ${files.passed} passed, ${files.failed} failed${files.skipped ? `, ${files.skipped} skipped` : ""}; errors ${unhandledErrors.length}\n` +
        `${tests.passed} passed, ${failed} failed, ${tests.skipped} skipped\n`,
    );
  }
}
