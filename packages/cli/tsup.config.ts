import { copyFile } from "node:fs/promises";
import { defineConfig } from "tsup";

export default defineConfig([
  {
    entry: ["src/cli.ts"],
    format: ["esm"],
    sourcemap: true,
    target: "node20",
    banner: { js: "#!/usr/bin/env node" },
    // Optional dependencies, loaded by `report`/`runs` when present: never bundled.
    external: ["libsql", "pg"],
  },
  {
    // The playground page: bundled for the browser with @tokenledger/core (and its rank data) inside, served by `tokenledger playground`.
    entry: { main: "playground/main.ts", worker: "playground/worker.ts" },
    outDir: "dist/playground",
    format: ["esm"],
    platform: "browser",
    target: "es2022",
    noExternal: [/.*/],
    minify: true,
    async onSuccess() {
      for (const file of ["index.html", "style.css"]) await copyFile(`playground/${file}`, `dist/playground/${file}`);
    },
  },
]);
