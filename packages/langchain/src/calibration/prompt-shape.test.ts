import { AIMessage, HumanMessage, SystemMessage } from "@langchain/core/messages";
import { countMessages } from "@tokenledger/core";
import { describe, expect, it } from "vitest";
import { toChatMessage } from "../counters/index.js";
import { dominantKind, shapeOfPrompt, shapeOfTotal } from "./prompt-shape.js";

const MODEL = "claude-sonnet-4-5";
const WEATHER = {
  type: "function",
  function: { name: "get_weather", description: "Weather", parameters: { type: "object", properties: {} } },
};

describe("shapeOfPrompt", () => {
  it("splits our count of a prompt into its kinds of text and the rest, with its messages and tools", () => {
    const prompt = [new SystemMessage("Be brief."), new HumanMessage("你好，请问博物馆几点开门？"), new AIMessage("9:00")];
    const total = countMessages(
      prompt.map((m) => toChatMessage(m)),
      { model: MODEL, tools: [WEATHER] as never },
    ).total;
    const shape = shapeOfPrompt(MODEL, prompt, [WEATHER]);
    expect(shape).toMatchObject({ messages: 3, tools: 1, total, unsplit: 0 });
    const text = Object.values(shape.kinds).reduce((a, b) => a + b, 0);
    expect(text + shape.framing).toBeCloseTo(total, 6);
    expect(shape.framing).toBeGreaterThan(0);
    expect(dominantKind(shape)).toBe("cjk");
  });

  it("never throws: a prompt that cannot be read is all unsplit", () => {
    const hostile = new Proxy([], {
      get() {
        throw new Error("no");
      },
    });
    expect(shapeOfPrompt(MODEL, hostile, undefined, 42)).toEqual(shapeOfTotal(42));
    expect(dominantKind(shapeOfTotal(42))).toBe("unsplit");
  });
});
