import { defineConfig, type Options } from "tsup";

/** Every library package's build: ESM + CJS with types per export condition, for Node 20. */
export const libraryConfig = (entry: Options["entry"] = ["src/index.ts"]) =>
  defineConfig({ entry, format: ["esm", "cjs"], dts: true, clean: true, sourcemap: true, target: "node20" });
