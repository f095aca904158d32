import { afterEach, describe, expect, it } from "vitest";
import { countMessages } from "../count/count-messages.js";
import { registerModel, resetModelRegistry, resolveModel, setFallbackEncoding } from "./index.js";

afterEach(() => resetModelRegistry());

describe("resolveModel", () => {
  it.each([
    ["gpt-5", "o200k_base"],
    ["gpt-5-mini-2025-08-07", "o200k_base"],
    ["gpt-4.1-nano", "o200k_base"],
    ["gpt-4.5-preview", "o200k_base"],
    ["gpt-4o-2024-08-06", "o200k_base"],
    ["chatgpt-4o-latest", "o200k_base"],
    ["o1", "o200k_base"],
    ["o3-mini", "o200k_base"],
    ["o4-mini-2025-04-16", "o200k_base"],
    ["gpt-4", "cl100k_base"],
    ["gpt-4-0613", "cl100k_base"],
    ["gpt-3.5-turbo-0125", "cl100k_base"],
    ["gpt-35-turbo-16k", "cl100k_base"],
    ["text-embedding-3-small", "cl100k_base"],
    ["davinci-002", "cl100k_base"],
    ["babbage-002", "cl100k_base"],
    ["gpt-oss-120b", "o200k_harmony"],
    ["ft:gpt-4o-mini-2024-07-18:acme::abc123", "o200k_base"],
    ["ft:gpt-3.5-turbo-0613:acme::xyz", "cl100k_base"],
    ["openai/gpt-4o", "o200k_base"],
  ])("%s -> %s", (model, encoding) => {
    const info = resolveModel(model);
    expect(info.encoding).toBe(encoding);
    expect(info.known).toBe(true);
  });

  it("resolves gpt-4o before gpt-4 (longest prefix wins)", () => {
    expect(resolveModel("gpt-4o-mini").encoding).toBe("o200k_base");
    expect(resolveModel("gpt-4-turbo").encoding).toBe("cl100k_base");
  });

  it("tells Llama 3 (3.0) from Llama 3.1, 3.2 and 3.3 under every provider's name", () => {
    const llama3_1 = [
      "meta-llama/Llama-3.1-8B-Instruct",
      "meta-llama/Meta-Llama-3.1-70B-Instruct",
      "llama3.1:8b",
      "llama3.1",
      "llama3.2:3b",
      "llama3.3:70b-instruct-q4_K_M",
      "llama-3.1-8b-instant",
      "llama-3.3-70b-versatile",
      "meta-llama/Llama-3.3-70B-Instruct-Turbo",
      "meta-llama/Llama-3.2-1B-Instruct",
      "meta.llama3-1-70b-instruct-v1:0",
      "us.meta.llama3-2-3b-instruct-v1:0",
      "meta.llama3-3-70b-instruct-v1:0",
      "openrouter/meta-llama/llama-3.1-405b-instruct",
      "Llama-3.1-8B",
    ];
    for (const name of llama3_1)
      expect(resolveModel(name), name).toMatchObject({ encoding: "llama3_1", chatFormat: "template", known: true });
    const llama3 = [
      "llama-3",
      "llama-3-8b",
      "llama3",
      "llama3:8b",
      "llama3:latest",
      "meta-llama/Meta-Llama-3-8B-Instruct",
      "llama3-70b-8192",
      "meta.llama3-8b-instruct-v1:0",
    ];
    for (const name of llama3) expect(resolveModel(name), name).toMatchObject({ encoding: "llama3", chatFormat: "template", known: true });
    for (const name of ["llama-30b", "llama-2-7b", "llama-4-scout-17b-16e-instruct"])
      expect(resolveModel(name).encoding, name).not.toMatch(/^llama3/);
  });

  it("gives Mistral NeMo, and no other Mistral model, NeMo's Tekken tokenizer and template", () => {
    const nemo = [
      "mistral-nemo",
      "Mistral-Nemo",
      "open-mistral-nemo",
      "open-mistral-nemo-2407",
      "mistralai/Mistral-Nemo-Instruct-2407",
      "mistralai/Mistral-Nemo-Base-2407",
      "mistral-nemo:12b",
      "mistral-nemo:12b-instruct-2407-q4_K_M",
      "mistral-nemo:latest",
      "openrouter/mistralai/mistral-nemo",
      "mistralai/mistral-nemo:free",
    ];
    for (const name of nemo)
      expect(resolveModel(name), name).toMatchObject({ encoding: "mistral_nemo", chatFormat: "template", known: true });
    const others = [
      "mistral-7b",
      "mistralai/Mistral-7B-Instruct-v0.3",
      "open-mistral-7b",
      "mistral:7b",
      "mixtral-8x7b",
      "open-mixtral-8x22b",
      "mistral.mixtral-8x7b-instruct-v0:1",
      "codestral-latest",
      "codestral-2501",
      "ministral-8b-latest",
      "pixtral-12b",
      "mistral-small-latest",
      "mistralai/mistral-small-3.1-24b-instruct",
      "mistral-large-2407",
      "mistral-nemotron",
    ];
    for (const name of others) expect(resolveModel(name).encoding, name).not.toBe("mistral_nemo");
  });

  it("names chat formats", () => {
    expect(resolveModel("gpt-4o").chatFormat).toBe("openai");
    expect(resolveModel("gpt-3.5-turbo-0301").chatFormat).toBe("openai-0301");
    expect(resolveModel("gpt-oss-20b").chatFormat).toBe("harmony");
    expect(resolveModel("llama-3-70b")).toMatchObject({ encoding: "llama3", chatFormat: "template" });
    expect(resolveModel("meta-llama/Llama-3.1-8B-Instruct")).toMatchObject({ encoding: "llama3_1", chatFormat: "template" });
    expect(resolveModel("Qwen/Qwen2.5-7B-Instruct").encoding).toBe("qwen3");
    expect(resolveModel("deepseek-r1").encoding).toBe("deepseek_v3");
    expect(resolveModel("google/gemma-3-27b-it").encoding).toBe("gemma3");
    expect(resolveModel("open-mistral-nemo")).toMatchObject({ encoding: "mistral_nemo", chatFormat: "template" });
    expect(resolveModel("some-new-model").chatFormat).toBe("plain");
  });

  it("gives limits from the dated table with their source, and undefined when unknown", () => {
    const info = resolveModel("gpt-4o-mini-2024-07-18");
    expect(info.contextWindow).toBe(128_000);
    expect(info.maxOutputTokens).toBe(16_384);
    expect(info.source).toMatch(/OpenAI.*2026/);
    const other = resolveModel("gpt-4-0314");
    expect(other.contextWindow).toBe(8_192);
    const noLimits = resolveModel("davinci-002");
    expect(noLimits.contextWindow).toBeUndefined();
    expect(noLimits.source).toBeUndefined();
  });

  it("falls back for unknown names without throwing", () => {
    for (const name of ["my-llama", "", "   ", null, undefined, 42, {}]) {
      const info = resolveModel(name as never);
      expect(info.known).toBe(false);
      expect(info.encoding).toBe("o200k_base");
      expect(info.contextWindow).toBeUndefined();
    }
    setFallbackEncoding("cl100k_base");
    expect(resolveModel("my-llama").encoding).toBe("cl100k_base");
    expect(() => setFallbackEncoding("bogus" as never)).toThrow(TypeError);
  });

  it("lets registerModel add and override models, latest first", () => {
    registerModel({ match: "my-llama", encoding: "cl100k_base", contextWindow: 8_192, chatFormat: "plain" });
    expect(resolveModel("my-llama-3")).toMatchObject({
      encoding: "cl100k_base",
      known: true,
      contextWindow: 8_192,
      source: "registerModel",
    });
    registerModel({ match: /^gpt-4o$/, contextWindow: 64_000 });
    expect(resolveModel("gpt-4o")).toMatchObject({ encoding: "o200k_base", contextWindow: 64_000, maxOutputTokens: 16_384 });
    expect(resolveModel("gpt-4o-mini").contextWindow).toBe(128_000);
    expect(() => registerModel({ match: 3 } as never)).toThrow(TypeError);
    expect(() => registerModel({ match: "x", encoding: "nope" as never })).toThrow(/unknown encoding/);
  });

  it("counts with the model's new answer after every change to the registry (counting keeps the last name's answer)", () => {
    const encodingOf = (model: string) => countMessages([{ role: "user", content: "hi" }], { model }).encoding;
    expect(encodingOf("my-model")).toBe("o200k_base");
    registerModel({ match: "my-model", encoding: "cl100k_base" });
    expect(encodingOf("my-model")).toBe("cl100k_base");
    resetModelRegistry();
    expect(encodingOf("my-model")).toBe("o200k_base");
    setFallbackEncoding("p50k_base");
    expect(encodingOf("my-model")).toBe("p50k_base");
    expect(encodingOf("gpt-4")).toBe("cl100k_base");
  });
});
