import { rmSync } from "node:fs";
import { resolve } from "node:path";
import type { Options } from "tsup";
import { libraryConfig } from "../../tsup.library";
import { ENCODING_NAMES } from "./src/encoder/encodings";

/** `lite` is the main entry with `builtin-encodings.ts` (all OpenAI rank data) swapped for an empty module. */
const withoutBuiltinEncodings = {
  name: "without-builtin-encodings",
  setup(build: { onResolve(options: { filter: RegExp }, callback: (args: { resolveDir: string }) => { path: string }): void }) {
    build.onResolve({ filter: /\/builtin-encodings\.js$/ }, (args) => ({ path: resolve(args.resolveDir, "builtin-encodings.lite.ts") }));
  },
};

// Keep `with { type: "json" }` on the open-weight entries' imports of tokenizer files (Node
// >= 20.10 needs it to import JSON; esbuild's node20 target would drop it).
const esbuildOptions = (options: { supported?: Record<string, boolean> }) => {
  options.supported = { ...options.supported, "import-attributes": true };
};

// Two builds write into one dist/, so it is cleaned here once rather than by each build.
rmSync(new URL("./dist", import.meta.url), { recursive: true, force: true });

// One self-contained file per entry (no shared chunks): an encoding entry carries its own copy
// of the encoder code (tens of KB) next to its data, and every copy registers into the one
// registry on globalThis.
const base = (entry: Options["entry"]): Options => ({ ...libraryConfig(entry), clean: false, splitting: false, esbuildOptions });

export default [
  base({ index: "src/index.ts" }),
  // Each encoding entry's map would embed the whole engine's source again (the index's map has
  // it): its maps give files and lines, without the sources' text.
  {
    ...base(Object.fromEntries(ENCODING_NAMES.map((name) => [`encodings/${name}`, `src/encodings/${name}.ts`]))),
    esbuildOptions: (options: { supported?: Record<string, boolean>; sourcesContent?: boolean }) => {
      esbuildOptions(options);
      options.sourcesContent = false;
    },
  },
  // Sibling packages' helpers, not an API users debug into: no source maps, so the install a user
  // gets (the CLI's included) grows only by the entry's code.
  { ...base({ internal: "src/internal.ts" }), sourcemap: false },
  { ...base({ lite: "src/lite.ts" }), esbuildPlugins: [withoutBuiltinEncodings] },
];
