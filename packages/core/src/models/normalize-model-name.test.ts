import { describe, expect, it } from "vitest";
import { longestPrefix } from "./longest-prefix.js";
import { normalizeModelName } from "./normalize-model-name.js";

describe("normalizeModelName", () => {
  it.each([
    ["gpt-4o", "gpt-4o"],
    ["  gpt-4o\n", "gpt-4o"],
    ["openai/gpt-4o", "gpt-4o"],
    ["openrouter/openai/gpt-4o-mini", "gpt-4o-mini"],
    ["ft:gpt-3.5-turbo-0613:acme::xyz", "gpt-3.5-turbo-0613"],
    ["", ""],
    ["GPT-4o", "gpt-4o"],
    ["anthropic/claude-sonnet-4-5", "claude-sonnet-4-5"],
    ["openrouter/anthropic/claude-sonnet-4.5", "claude-sonnet-4-5"],
    ["anthropic/claude-3.5-sonnet", "claude-3-5-sonnet"],
    ["google/gemini-2.5-pro", "gemini-2.5-pro"],
    ["models/gemini-2.5-flash", "gemini-2.5-flash"],
    ["anthropic.claude-3-5-sonnet-20240620-v1:0", "claude-3-5-sonnet-20240620"],
    ["us.anthropic.claude-sonnet-4-20250514-v1:0", "claude-sonnet-4-20250514"],
    ["meta.llama3-1-8b-instruct-v1:0", "llama-3.1-8b"],
    ["claude-3-5-sonnet-v2@20241022", "claude-3-5-sonnet-v2-20241022"],
    ["meta-llama/Llama-3.1-8B-Instruct", "llama-3.1-8b"],
    ["meta-llama/Meta-Llama-3.1-8B-Instruct", "llama-3.1-8b"],
    ["Qwen/Qwen3-32B", "qwen3-32b"],
    ["deepseek-ai/DeepSeek-V3", "deepseek-v3"],
    ["llama3.1:8b", "llama-3.1-8b"],
    ["llama3.1:8b-instruct-q4_K_M", "llama-3.1-8b"],
    ["llama3.1-8b", "llama-3.1-8b"],
    ["llama3:latest", "llama-3"],
    ["llama3-70b-8192", "llama-3-70b-8192"],
    ["qwen3:32b", "qwen3-32b"],
    ["deepseek/deepseek-r1:free", "deepseek-r1"],
    ["llama-3.3-70b-versatile", "llama-3.3-70b-versatile"],
    ["meta-llama/Llama-3.3-70B-Instruct-Turbo", "llama-3.3-70b-turbo"],
    ["llama-4-scout-17b-16e-instruct", "llama-4-scout-17b-16e"],
    ["gpt-3.5-turbo-instruct", "gpt-3.5-turbo-instruct"],
    ["mistral.mistral-large-2407-v1:0", "mistral-large-2407"],
    ["anthropic.claude-v2", "claude-v2"],
    ["anthropic.claude-v2:1", "claude-v2-1"],
  ])("%j -> %j", (name, expected) => expect(normalizeModelName(name)).toBe(expected));

  it("gives an empty name for what is not a string", () => {
    for (const value of [undefined, null, 42, {}]) expect(normalizeModelName(value)).toBe("");
  });
});

describe("longestPrefix", () => {
  it("matches a whole name or a prefix ending where a '-' starts the rest, longest first", () => {
    const keys = ["gpt-4", "gpt-4o", "gpt-4o-mini", "o3"];
    expect(longestPrefix(keys, "gpt-4o-mini-2024-07-18")).toBe("gpt-4o-mini");
    expect(longestPrefix(keys, "gpt-4o-2024-08-06")).toBe("gpt-4o");
    expect(longestPrefix(keys, "gpt-4-0613")).toBe("gpt-4");
    expect(longestPrefix(keys, "gpt-4.1")).toBeUndefined();
    expect(longestPrefix(keys, "o3mini")).toBeUndefined();
    expect(longestPrefix(["gpt-4o-", "gpt-4-"], "gpt-4o-x")).toBe("gpt-4o-");
    expect(longestPrefix(["gpt-3.5-turbo"], "gpt-3.5-turbo-16k")).toBe("gpt-3.5-turbo");
  });

  it("does not take another version of a model for a snapshot of it", () => {
    const keys = ["claude-opus-4", "claude-3", "grok-4", "gpt-4"];
    expect(longestPrefix(keys, "claude-opus-4-5")).toBeUndefined();
    expect(longestPrefix(keys, "claude-opus-4-20250514")).toBe("claude-opus-4");
    expect(longestPrefix(keys, "claude-3-5-sonnet")).toBeUndefined();
    expect(longestPrefix(keys, "grok-4-1-fast")).toBeUndefined();
    expect(longestPrefix(keys, "grok-4-0709")).toBe("grok-4");
    expect(longestPrefix(keys, "gpt-4-0613")).toBe("gpt-4");
  });
});
