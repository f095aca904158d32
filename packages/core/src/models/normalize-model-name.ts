/**
 * The bare model name that the built-in tables are keyed by: trimmed, without provider
 * routes (`openrouter/openai/gpt-4o` -> `gpt-4o`) and, for a fine-tune, its base model
 * (`ft:gpt-4o-mini-2024-07-18:acme::id` -> `gpt-4o-mini-2024-07-18`). Anything that is
 * not a string gives `""`.
 *
 * @example
 * ```ts
 * normalizeModelName(" openrouter/openai/gpt-4o "); // "gpt-4o"
 * normalizeModelName("ft:gpt-3.5-turbo-0613:acme::xyz"); // "gpt-3.5-turbo-0613"
 * ```
 */
export function normalizeModelName(model: unknown): string {
  if (typeof model !== "string") return "";
  const name = model.trim();
  if (name.startsWith("ft:")) return name.slice(3).split(":")[0]!;
  return name.slice(name.lastIndexOf("/") + 1);
}
