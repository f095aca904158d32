/** Amazon Bedrock's cross-region prefixes and model vendors: `us.anthropic.claude-...-v1:0`. */
const BEDROCK_ID =
  /^(?:(?:us|eu|apac|global|us-gov|ca|jp|au)\.)?(?:anthropic|meta|mistral|amazon|cohere|ai21|deepseek|qwen|openai|writer|google)\.(.+)$/;
/** Tags that pick a quantisation or a variant of the same weights (Ollama, OpenRouter), not another model. */
const SAME_MODEL_TAG = /^(?:latest|free|beta|extended|nitro|floor|thinking|online)$/;
const QUANTISATION = /-(?:q\d\w*|iq\d\w*|fp8|fp16|bf16|int4|int8|awq|gptq|gguf|mlx)(?=-|$)/g;

/**
 * The bare, lower-case model name that the built-in tables are keyed by. It removes what
 * providers put around a model's own name and spells each family one way:
 *
 * - case and spaces: `" GPT-4o "` -> `gpt-4o`;
 * - routes and Hugging Face owners: `openrouter/openai/gpt-4o`, `anthropic/claude-sonnet-4-5`,
 *   `meta-llama/Llama-3.1-8B-Instruct` -> the last segment;
 * - fine-tunes by their base: `ft:gpt-4o-mini-2024-07-18:acme::id` -> `gpt-4o-mini-2024-07-18`;
 * - Bedrock ids: `us.anthropic.claude-3-5-sonnet-20240620-v1:0` -> `claude-3-5-sonnet-20240620`;
 *   Vertex's `claude-3-5-sonnet@20240620` -> `claude-3-5-sonnet-20240620`;
 * - Ollama tags: `llama3.1:8b` -> `llama-3.1-8b`, `qwen3:32b` -> `qwen3-32b`; `:latest`, OpenRouter's
 *   `:free` and quantisations (`-q4_k_m`, `-fp8`) are dropped;
 * - families: `llama3-1`, `llama3.1`, `Meta-Llama-3.1` -> `llama-3.1`; Claude's `3.5` / `4.5` -> `3-5` / `4-5`;
 *   `-instruct` is dropped (windows and prices are the instruct model's), except OpenAI's
 *   `gpt-3.5-turbo-instruct`, another model.
 *
 * Anything that is not a string gives `""`.
 *
 * @example
 * ```ts
 * normalizeModelName(" openrouter/openai/gpt-4o "); // "gpt-4o"
 * normalizeModelName("anthropic.claude-3-5-sonnet-20240620-v1:0"); // "claude-3-5-sonnet-20240620"
 * normalizeModelName("meta-llama/Llama-3.1-8B-Instruct"); // "llama-3.1-8b"
 * normalizeModelName("qwen3:32b"); // "qwen3-32b"
 * ```
 */
export function normalizeModelName(model: unknown): string {
  if (typeof model !== "string") return "";
  let name = model.trim().toLowerCase();
  if (name.startsWith("ft:")) return name.slice(3).split(":")[0]!;
  name = name.slice(name.lastIndexOf("/") + 1).replace("@", "-");
  const bedrock = BEDROCK_ID.exec(name);
  if (bedrock) {
    // The API version (`-v1:0`) goes; a version that is the model's own name (`claude-v2`) stays.
    const bare = bedrock[1]!.replace(/-v\d+(?::\d+)?$/, "");
    name = /\d/.test(bare) ? bare : bedrock[1]!;
  }
  const colon = name.indexOf(":");
  if (colon >= 0) {
    const tag = name.slice(colon + 1).replace(QUANTISATION, "");
    name = name.slice(0, colon) + (tag === "" || SAME_MODEL_TAG.test(tag) ? "" : `-${tag.replaceAll(":", "-")}`);
  }
  name = name.replace(QUANTISATION, "").replace(/^meta-llama/, "llama");
  if (name.startsWith("llama"))
    name = name.replace(/^llama-?(\d+)(?:[.-](\d)(?=-|$))?/, (_, major, minor) => `llama-${major}${minor ? `.${minor}` : ""}`);
  else if (name.startsWith("claude")) name = name.replace(/(\d)\.(\d)/g, "$1-$2");
  if (!name.startsWith("gpt-")) name = name.replace(/-instruct(?=-|$)/, "");
  return name;
}
