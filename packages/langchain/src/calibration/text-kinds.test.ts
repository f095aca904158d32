import { countTokens } from "@tokenledger/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { kindTokens, messageText, TEXT_KINDS } from "./text-kinds.js";

const MODEL = "claude-sonnet-4-5";
const total = (split: Record<string, number>) => TEXT_KINDS.reduce((sum, kind) => sum + split[kind]!, 0);

describe("kindTokens", () => {
  it("puts each run of text under its kind", () => {
    expect(kindTokens("Hello there, friend", MODEL)).toMatchObject({ cjk: 0, digits: 0, otherScript: 0 });
    expect(kindTokens("请推荐三家当地的餐厅", MODEL).cjk).toBe(countTokens("请推荐三家当地的餐厅", { model: MODEL }));
    expect(kindTokens("Привет, как дела", MODEL).cyrillic).toBeGreaterThan(0);
    expect(kindTokens("こんにちは", MODEL).kana).toBe(countTokens("こんにちは", { model: MODEL }));
    expect(kindTokens("{}[]();=>", MODEL).symbols).toBe(countTokens("{}[]();=>", { model: MODEL }));
    expect(kindTokens("1234 5678", MODEL).digits).toBe(countTokens("1234 5678", { model: MODEL }));
    const mixed = kindTokens("const x = [1, 2]; // 你好 カナ 한국 мир مرحبا नमस्ते Γειά", MODEL);
    for (const kind of TEXT_KINDS) expect(mixed[kind]).toBeGreaterThan(0);
  });

  it("splits any text into parts that add up to its whole count", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 200 }), (text) => {
        expect(total(kindTokens(text, MODEL))).toBeCloseTo(countTokens(text, { model: MODEL }), 6);
      }),
    );
  });

  it("reads a message's text and its tool calls", () => {
    expect(
      messageText({
        role: "user",
        content: [
          { type: "text", text: "a" },
          { type: "image_url", image_url: { url: "x" } },
        ],
      }),
    ).toBe("a");
    expect(messageText({ role: "assistant", content: null, tool_calls: [{ function: { name: "f", arguments: '{"x":1}' } }] })).toBe(
      'f\n{"x":1}',
    );
  });
});
