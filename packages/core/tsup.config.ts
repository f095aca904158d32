import { libraryConfig } from "../../tsup.library";

const ENCODINGS = [
  "o200k_base",
  "o200k_harmony",
  "cl100k_base",
  "p50k_base",
  "p50k_edit",
  "r50k_base",
  "gpt2",
  "llama3",
  "qwen3",
  "deepseek_v3",
  "gemma3",
];

// One self-contained file per entry (no shared chunks): an encoding entry carries its own
// copy of the encoder code (tens of KB) next to its rank data, and every copy registers into
// the one registry on globalThis.
export default {
  ...libraryConfig({
    index: "src/index.ts",
    lite: "src/lite.ts",
    ...Object.fromEntries(ENCODINGS.map((name) => [`encodings/${name}`, `src/encodings/${name}.ts`])),
  }),
  splitting: false,
  // Keep `with { type: "json" }` on the open-weight entries' imports of tokenizer files
  // (Node >= 20.10 needs it to import JSON; esbuild's node20 target would drop it).
  esbuildOptions(options: { supported?: Record<string, boolean> }) {
    options.supported = { ...options.supported, "import-attributes": true };
  },
};
