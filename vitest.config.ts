import { availableParallelism } from "node:os";
import { configDefaults, defineConfig } from "vitest/config";

/**
 * Two projects, run together by `vitest run` (the README's test command) or alone with `--project`:
 * - `unit`: the tests beside the sources, `packages/<name>/src/**\/*.test.ts`;
 * - `integration`: `test/**` (the built packages through their `exports` maps, the CLI and the
 *   examples as child processes, packed tarballs installed with npm, headless Chromium) and every
 *   `*.integration.test.ts` beside the sources (servers, child processes, `dist/`).
 * Both import the sibling packages from their built `dist/`, as users do, so the packages are
 * built first (`pnpm test:unit` and `pnpm test:integration` ask turbo, which is cached).
 */
export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: ["default", "./test/summary-reporter.ts"],
    // vitest's default is one worker less than the CPUs: a single worker on a 2-vCPU machine. A
    // second one overlaps one file's waits (cold reads, npm, Chromium, child processes) with
    // another file's work on a clean clone. `--maxWorkers` overrides it.
    maxWorkers: Math.max(2, availableParallelism()),
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["packages/*/src/**/*.test.ts"],
          exclude: [...configDefaults.exclude, "**/*.integration.test.ts"],
        },
      },
      {
        extends: true,
        test: {
          name: "integration",
          include: ["test/**/*.test.ts", "packages/*/src/**/*.integration.test.ts"],
        },
      },
    ],
  },
});
