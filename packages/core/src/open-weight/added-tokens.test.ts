import { describe, expect, it } from "vitest";
import { createAddedTokenSplitter } from "./added-tokens.js";

function split(tokens: Array<{ content: string; id: number }>, text: string): Array<string | number> {
  const out: Array<string | number> = [];
  createAddedTokenSplitter(tokens)(
    text,
    (a, b) => out.push(text.slice(a, b)),
    (id) => out.push(id),
  );
  return out;
}

describe("createAddedTokenSplitter", () => {
  const tokens = [
    { content: "<|eot|>", id: 1 },
    { content: "\n", id: 2 },
    { content: "\n\n", id: 3 },
  ];

  it("takes the longest token at each position", () => {
    expect(split(tokens, "a\n\n\nb<|eot|>")).toEqual(["a", 3, 2, "b", 1]);
  });

  it("leaves text without tokens whole, and a prefix of a token as text", () => {
    expect(split(tokens, "hello <|eot")).toEqual(["hello <|eot"]);
    expect(split(tokens, "")).toEqual([]);
  });
});
