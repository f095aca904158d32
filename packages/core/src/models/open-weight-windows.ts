/**
 * Context windows of open-weight models by family and variant, for the names the generated catalog
 * does not list (Ollama tags, Hugging Face ids): each from the model's own `config.json`
 * (`max_position_embeddings`, the window it was trained for, without YaRN or other extension), by
 * the normalised name (`normalizeModelName`: `Qwen/Qwen2.5-7B-Instruct` -> `qwen2.5-7b`,
 * `llama3.1:8b` -> `llama-3.1-8b`). Each pattern matches whole names: a variant missing from its
 * pattern stays unknown rather than borrowing a sibling's window. A catalog entry for the exact
 * name wins over these (it is what that host serves); these win over a dated snapshot's borrowing.
 * The values were taken as quoted in issue #30 (this machine reaches no provider or Hugging Face page).
 */
export const OPEN_WEIGHT_WINDOWS: ReadonlyArray<readonly [RegExp, number, string]> = [
  // Meta Llama: `llama3` / `llama3:8b` / `meta-llama/Meta-Llama-3-8B-Instruct` is Llama 3 (3.0).
  [/^llama-3(?:-(?:8b|70b))?$/, 8_192, "config.json max_position_embeddings (meta-llama/Meta-Llama-3-8B-Instruct, -70B-Instruct)"],
  [/^llama-3\.1(?:-(?:8b|70b|405b))?$/, 131_072, "config.json max_position_embeddings (meta-llama/Llama-3.1-8B/70B/405B-Instruct)"],
  [/^llama-3\.2(?:-(?:1b|3b|11b-vision|90b-vision))?$/, 131_072, "config.json max_position_embeddings (meta-llama/Llama-3.2-*-Instruct)"],
  [/^llama-3\.3(?:-70b)?$/, 131_072, "config.json max_position_embeddings (meta-llama/Llama-3.3-70B-Instruct)"],
  // Qwen: Ollama's bare `qwen2`, `qwen2.5` and `qwen3` are the 7B, 7B and 8B.
  [/^qwen2(?:-(?:7b|72b))?$/, 32_768, "config.json max_position_embeddings (Qwen/Qwen2-7B-Instruct, -72B-Instruct)"],
  [
    /^qwen2\.5(?:-coder)?(?:-(?:0\.5b|1\.5b|3b|7b|14b|32b))?$/,
    32_768,
    "config.json max_position_embeddings (Qwen/Qwen2.5-*-Instruct, Qwen2.5-Coder-*-Instruct)",
  ],
  [/^qwen2\.5-72b$/, 131_072, "Alibaba Cloud Model Studio qwen2.5-72b-instruct: 131,072-token context (issue #30)"],
  [
    /^qwen3(?:-(?:0\.6b|1\.7b|4b|8b|14b|32b|30b-a3b|235b-a22b))?$/,
    40_960,
    "config.json max_position_embeddings (Qwen/Qwen3-*; 131,072 only with YaRN)",
  ],
  [/^qwen3-(?:4b|30b-a3b|235b-a22b)-(?:thinking-)?2507$/, 262_144, "config.json max_position_embeddings (Qwen/Qwen3-*-2507)"],
  [/^(?:qwen-)?qwq(?:-32b)?$/, 40_960, "config.json max_position_embeddings (Qwen/QwQ-32B; 131,072 only with YaRN)"],
  // DeepSeek: V3.1 / V3.2 open weights (the API's deepseek-chat serves 128K: see the catalog).
  [/^deepseek-v3\.[12](?:-(?:terminus|exp|base))?$/, 163_840, "config.json max_position_embeddings (deepseek-ai/DeepSeek-V3.1, -V3.2-Exp)"],
  [
    /^deepseek-r1-distill-(?:qwen-(?:1\.5b|7b|14b|32b)|llama-(?:8b|70b))$|^deepseek-r1-(?:1\.5b|7b|14b|32b|70b)$/,
    131_072,
    "config.json max_position_embeddings (deepseek-ai/DeepSeek-R1-Distill-*)",
  ],
  // Google Gemma 3: 1B and 270M 32K, the others 128K.
  [/^gemma-?3(?:-(?:4b|12b|27b))?(?:-it)?$/, 131_072, "config.json max_position_embeddings (google/gemma-3-4b/12b/27b-it)"],
  [/^gemma-?3-(?:1b|270m)(?:-it)?$/, 32_768, "config.json max_position_embeddings (google/gemma-3-1b-it, gemma-3-270m-it)"],
  // Mistral AI: Ollama's bare `mistral` is Mistral 7B v0.3, `mixtral` Mixtral 8x7B.
  [/^mistral(?:-7b)?(?:-v0\.[23])?$/, 32_768, "config.json max_position_embeddings (mistralai/Mistral-7B-Instruct-v0.2, -v0.3)"],
  [/^mixtral(?:-8x7b)?(?:-v0\.1)?$/, 32_768, "config.json max_position_embeddings (mistralai/Mixtral-8x7B-Instruct-v0.1)"],
  [/^mixtral-8x22b(?:-v0\.1)?$/, 65_536, "config.json max_position_embeddings (mistralai/Mixtral-8x22B-Instruct-v0.1)"],
  [
    /^mistral-nemo(?:-12b)?(?:-2407)?$/,
    131_072,
    "Mistral AI: Mistral NeMo (mistralai/Mistral-Nemo-Instruct-2407) 128K context (issue #30)",
  ],
];

/** The window of an open-weight family's variant, with its source, if a pattern names it. */
export function openWeightWindow(name: string): { contextWindow: number; source: string } | undefined {
  for (const [pattern, contextWindow, source] of OPEN_WEIGHT_WINDOWS) if (pattern.test(name)) return { contextWindow, source };
  return undefined;
}
