#!/usr/bin/env node
// `pnpm demo` runs this bin (the root has no `demo` script, so pnpm execs the bin and prints no
// `> tokenledger@ demo` banner): it builds what the example imports, with every build line on
// stderr, then runs the example. stdout carries only the example's own output (`--json`: JSON only).
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const build = spawnSync("turbo", ["run", "build", "--filter=@tokenledger/example-trim-history^...", "--output-logs=errors-only"], {
  cwd: root,
  stdio: ["ignore", 2, 2],
  env: { ...process.env, TURBO_TELEMETRY_DISABLED: "1" },
});
if (build.error) {
  console.error(`demo: cannot run turbo to build the packages (${build.error.message}); run it from the repository as \`pnpm demo\``);
  process.exit(1);
}
if (build.status !== 0) process.exit(build.status ?? 1);
await import("./main.mjs");
