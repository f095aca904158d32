import { defineConfig } from "tsup";

export default defineConfig({
  entry: { index: "src/index.ts", middleware: "src/middleware.ts", pricing: "src/pricing-entry.ts" },
  format: ["esm", "cjs"],
  dts: true,
  clean: true,
  sourcemap: true,
  target: "node20",
});
