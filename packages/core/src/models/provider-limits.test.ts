// Issue #30: names that borrowed a shorter model's limits, catalog numbers the providers contradict,
// common open-weight names with no window, and names counted with the wrong vocabulary or rule.
// The expected numbers are the providers' published limits (as quoted in the issue), each with its source.
import { afterEach, describe, expect, it } from "vitest";
import { countMessages } from "../count/count-messages.js";
import { getEncoder } from "../loader/index.js";
import { registerPackage } from "../open-weight/register-package.test-helper.js";
import { registerModel, resetModelRegistry, resolveModel } from "./index.js";
import { snapshotOf } from "./longest-prefix.js";
import { MODEL_CATALOG, MODEL_CATALOG_PROVIDER_SOURCES } from "./model-catalog.generated.js";

afterEach(() => resetModelRegistry());

describe("a name that is a model of its own never borrows a shorter model's limits", () => {
  // OpenAI model pages (platform.openai.com/docs/models/<name>): context window, max output tokens.
  it.each([
    ["o1-mini", 128_000, 65_536],
    ["o1-mini-2024-09-12", 128_000, 65_536],
    ["o1-preview", 128_000, 32_768],
    ["o1-preview-2024-09-12", 128_000, 32_768],
    ["gpt-4-1106-preview", 128_000, 4_096],
    ["gpt-4-0125-preview", 128_000, 4_096],
    ["gpt-4-turbo-preview", 128_000, 4_096],
    ["gpt-3.5-turbo-instruct", 4_096, 4_096],
    ["gpt-3.5-turbo-instruct-0914", 4_096, 4_096],
    ["gpt-5-chat-latest", 128_000, 16_384],
    ["openai/gpt-5-chat", 128_000, 16_384],
    ["gpt-4-turbo", 128_000, 4_096],
    ["gpt-4-turbo-2024-04-09", 128_000, 4_096],
    ["o1", 200_000, 100_000],
    ["o1-2024-12-17", 200_000, 100_000],
    ["gpt-4", 8_192, 8_192],
    ["gpt-4-0613", 8_192, 8_192],
  ])("%s: %i tokens, %i out (OpenAI)", (name, contextWindow, maxOutputTokens) => {
    expect(resolveModel(name)).toMatchObject({ known: true, contextWindow, maxOutputTokens });
  });

  it("borrows only for a dated snapshot or an alias: a date, a 3-4 digit snapshot, -latest", () => {
    const keys = ["o1", "o1-mini", "gpt-4", "gpt-4-turbo", "gemini-1.5-pro", "claude-3-5-sonnet"];
    expect(snapshotOf(keys, "o1-mini")).toBe("o1-mini");
    expect(snapshotOf(keys, "o1-mini-2024-09-12")).toBe("o1-mini");
    expect(snapshotOf(keys, "gpt-4-turbo-2024-04-09")).toBe("gpt-4-turbo");
    expect(snapshotOf(keys, "gpt-4-0314")).toBe("gpt-4");
    expect(snapshotOf(keys, "gemini-1.5-pro-002")).toBe("gemini-1.5-pro");
    expect(snapshotOf(keys, "claude-3-5-sonnet-latest")).toBe("claude-3-5-sonnet");
    expect(snapshotOf(keys, "claude-3-5-sonnet-v2-20241022")).toBe("claude-3-5-sonnet");
    for (const other of ["o1-preview", "gpt-4-1106-preview", "gpt-4-32k", "gpt-4-vision", "o1-mini-high", "gpt-4-5", "gemini-1.5-pro-exp"])
      expect(snapshotOf(keys, other), other).toBeUndefined();
  });

  it("leaves a new variant of a known model unknown rather than giving it the base model's window", () => {
    for (const name of ["o1-ultra", "gpt-4-1106-vision-preview-x", "gpt-5-chat-mini"])
      expect(resolveModel(name).contextWindow, name).toBeUndefined();
  });
});

describe("the providers' numbers win over the catalogs', and the catalog says so per entry", () => {
  it.each([
    // Google, Gemini API models page: Gemini 1.5 Pro, 2,097,152 tokens.
    ["gemini-1.5-pro", 2_097_152],
    ["gemini-1.5-pro-002", 2_097_152],
    // google/gemma-3-27b-it config.json: max_position_embeddings 131072.
    ["gemma-3-27b-it", 131_072],
    ["google/gemma-3-27b-it", 131_072],
    ["google/gemma-3-12b-it", 131_072],
    // deepseek-ai/DeepSeek-V3-0324 config.json: max_position_embeddings 163840.
    ["deepseek-v3-0324", 163_840],
    ["deepseek-ai/DeepSeek-V3-0324", 163_840],
    ["deepseek/deepseek-chat-v3-0324", 163_840],
    // Mistral AI: Mistral 7B, 32k (32,768).
    ["open-mistral-7b", 32_768],
  ])("%s: %i tokens", (name, contextWindow) => {
    const info = resolveModel(name);
    expect(info.contextWindow).toBe(contextWindow);
    expect(info.source).not.toMatch(/^models\.dev/);
  });

  it("marks every row with where its limits come from, and cites every provider row", () => {
    for (const row of MODEL_CATALOG) {
      expect(["models.dev", "llm-zoo", "provider"]).toContain(row[7]);
      if (row[7] === "provider") expect(MODEL_CATALOG_PROVIDER_SOURCES[row[0]], row[0]).toMatch(/\w/);
    }
    expect(resolveModel("gemini-1.5-pro").source).toMatch(/^Google: .*2,097,152/);
    expect(resolveModel("claude-3-5-haiku-20241022").source).toMatch(/^models\.dev/);
  });
});

describe("common open-weight names have their variant's window (config.json max_position_embeddings)", () => {
  it.each([
    // Qwen: Qwen2.5-7B-Instruct config.json 32768; Alibaba Cloud's qwen2.5-72b-instruct 131,072; Qwen3 config.json 40960 native.
    ["qwen2.5-72b-instruct", 131_072],
    ["Qwen/Qwen2.5-7B-Instruct", 32_768],
    ["qwen2.5", 32_768],
    ["qwen2.5:14b", 32_768],
    ["qwen3-8b", 40_960],
    ["qwen3", 40_960],
    ["qwen3:14b", 40_960],
    ["qwen3-235b-a22b", 40_960],
    ["Qwen/Qwen3-235B-A22B-Instruct-2507", 262_144],
    // Meta: Llama 3 config.json 8192; Llama 3.1, 3.2, 3.3 131072.
    ["llama3", 8_192],
    ["llama3.1", 131_072],
    ["llama3.2", 131_072],
    ["llama3.3", 131_072],
    // Google: Gemma 3 4B/12B/27B 131072, 1B 32768.
    ["gemma3", 131_072],
    ["gemma3:27b", 131_072],
    ["gemma3:1b", 32_768],
    // Mistral AI: Mistral 7B v0.3 and Mixtral 8x7B 32768, Mistral NeMo 128K (131,072).
    ["mistralai/Mistral-7B-Instruct-v0.3", 32_768],
    ["mistral:7b", 32_768],
    ["mistralai/Mixtral-8x7B-Instruct-v0.1", 32_768],
    ["mixtral", 32_768],
    ["mistralai/Mistral-Nemo-Instruct-2407", 131_072],
    ["mistral-nemo:12b", 131_072],
    // DeepSeek: V3.1 / V3.2 config.json 163840; R1 distills 131072.
    ["deepseek-v3.1", 163_840],
    ["deepseek-v3.2", 163_840],
    ["deepseek-ai/DeepSeek-V3.1", 163_840],
    ["deepseek-r1-distill-qwen-7b", 131_072],
    ["DeepSeek-R1-Distill-Llama-8B", 131_072],
    ["deepseek-r1:7b", 131_072],
  ])("%s: %i tokens", (name, contextWindow) => {
    const info = resolveModel(name);
    expect(info).toMatchObject({ known: true, contextWindow });
    expect(info.source).toMatch(/config\.json|issue #30/);
  });

  it("keeps the catalog's entry when a host lists the exact name (what that host serves)", () => {
    expect(resolveModel("llama3-8b-8192").contextWindow).toBe(8_192);
    expect(resolveModel("qwen3:32b").source).toMatch(/^models\.dev/);
    // Bedrock lists Llama 3.2 3B at 131,000 and Llama 3 70B at 8,192: its entries answer for those names.
    expect(resolveModel("llama3.2:3b").contextWindow).toBe(131_000);
    expect(resolveModel("llama3:70b").source).toMatch(/^models\.dev/);
  });

  it("leaves a variant no pattern names unknown", () => {
    for (const name of ["qwen3-9b", "gemma3:2b", "llama3.1:13b", "deepseek-r1:8b"])
      expect(resolveModel(name).contextWindow, name).toBeUndefined();
  });
});

describe("encodings and chat formats", () => {
  it.each(["gpt-5.1", "gpt-5.1-codex", "gpt-5.2", "gpt-5.2-codex", "gpt-5.1-2025-11-13", "openai/gpt-5.1"])(
    "%s counts as OpenAI's o200k_base",
    (name) => {
      expect(resolveModel(name)).toMatchObject({ encoding: "o200k_base", chatFormat: "openai", known: true });
      expect(countMessages([{ role: "user", content: "Hello" }], { model: name })).toMatchObject({ total: 8, approximate: false });
    },
  );

  it("gives models built on another family's vocabulary that vocabulary, counted approximately (their templates differ)", () => {
    const cases: Array<[string, string]> = [
      ["deepseek-r1-distill-qwen-7b", "qwen3"],
      ["deepseek-ai/DeepSeek-R1-Distill-Qwen-32B", "qwen3"],
      ["DeepSeek-R1-Distill-Llama-8B", "llama3_1"],
      ["deepseek-r1-distill-llama-70b", "llama3_1"],
      ["QwQ-32B", "qwen3"],
      ["qwen-qwq-32b", "qwen3"],
      ["Qwen/Qwen2.5-7B-Instruct", "qwen3"],
      ["meta-llama/Llama-Guard-3-8B", "llama3_1"],
      ["deepseek-v3.1", "deepseek_v3"],
    ];
    for (const [name, encoding] of cases) expect(resolveModel(name), name).toMatchObject({ encoding, chatFormat: "plain", known: true });
    // Same family, same template: exact.
    expect(resolveModel("qwen3-8b")).toMatchObject({ encoding: "qwen3", chatFormat: "template" });
    expect(resolveModel("deepseek-r1")).toMatchObject({ encoding: "deepseek_v3", chatFormat: "template" });
    // deepseek-r1:8b changed base model (Llama 3.1, then Qwen3): no vocabulary is claimed.
    expect(resolveModel("deepseek-r1:8b")).toMatchObject({ encoding: "o200k_base", known: false });
  });

  it("counts Gemini 2.x with Gemma 3's tokenizer once loaded, approximately, and never throws before", () => {
    for (const name of ["gemini-2.5-pro", "gemini-2.0-flash", "google/gemini-2.5-flash"])
      expect(resolveModel(name), name).toMatchObject({ encoding: "gemma3", chatFormat: "plain", known: true });
    expect(resolveModel("gemini-1.5-pro").encoding).not.toBe("gemma3");
    const messages = [{ role: "user", content: "Gemini tokenizes this sentence." }];
    const before = countMessages(messages, { model: "gemini-2.5-pro" });
    expect(before.approximate).toBe(true);
    registerPackage("gemma3");
    const after = countMessages(messages, { model: "gemini-2.5-pro" });
    expect(after).toMatchObject({ encoding: "gemma3", chatFormat: "plain", approximate: true });
    expect(after.total).toBe(getEncoder("gemma3").count(messages[0]!.content));
  });
});

describe("registerModel checks chatFormat", () => {
  it("rejects an unknown chatFormat with a TypeError naming the valid ones", () => {
    expect(() => registerModel({ match: "x", chatFormat: "chatml" as never })).toThrow(
      new TypeError('registerModel: unknown chatFormat "chatml"; one of openai, openai-0301, harmony, template, plain'),
    );
    expect(resolveModel("x").known).toBe(false);
    registerModel({ match: "x", chatFormat: "plain" });
    expect(countMessages([{ role: "user", content: "hi" }], { model: "x" }).chatFormat).toBe("plain");
  });
});
