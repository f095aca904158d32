// Measures what a browser bundle of @tokenledger/core weighs per encoding: each case is
// bundled from the built dist/ (run `pnpm build` first) by esbuild, minified, for the
// browser, and reported raw and gzipped. Run: node scripts/measure-bundles.mjs
import { createRequire } from "node:module";
import { gzipSync } from "node:zlib";

const require = createRequire(import.meta.url);
const { build } = createRequire(require.resolve("tsup"))("esbuild");

const CASES = [
  ["`@tokenledger/core` (all OpenAI encodings, sync)", `import { countTokens } from "@tokenledger/core"; countTokens("x");`],
  ["`/lite` alone (no encoding)", `import { countTokens } from "@tokenledger/core/lite"; countTokens("x");`],
  ...["o200k_base", "cl100k_base", "p50k_base", "r50k_base", "llama3", "llama3_1", "qwen3", "deepseek_v3", "gemma3", "mistral_nemo"].map(
    (name) => [
      `\`/lite\` + \`/encodings/${name}\``,
      `import "@tokenledger/core/encodings/${name}"; import { countTokens } from "@tokenledger/core/lite"; countTokens("x");`,
    ],
  ),
];

const mb = (bytes) => (bytes < 100_000 ? `${(bytes / 1e3).toFixed(1)} kB` : `${(bytes / 1e6).toFixed(2)} MB`);
console.log("| bundle | minified | gzipped |\n| --- | ---: | ---: |");
for (const [label, contents] of CASES) {
  const result = await build({
    stdin: { contents, resolveDir: new URL("..", import.meta.url).pathname, loader: "js" },
    bundle: true,
    minify: true,
    format: "esm",
    platform: "browser",
    write: false,
    logLevel: "error",
  });
  const code = result.outputFiles[0].contents;
  console.log(`| ${label} | ${mb(code.length)} | ${mb(gzipSync(code).length)} |`);
}
