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
  });
});
