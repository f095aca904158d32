import { ChatOpenAI } from "@langchain/openai";
import { describe, expect, it } from "vitest";
import { chatModelName, createTokenCounter } from "./token-counter.js";

/** A chat model that is never called: only its name is read. */
const chat = (model: string) => new ChatOpenAI({ model, apiKey: "test", maxRetries: 0, configuration: { baseURL: "http://127.0.0.1:9" } });

describe("chatModelName", () => {
  it("reads a model's name from model, modelName or its identifying params, and rejects a model without one", () => {
    expect(chatModelName(chat("gpt-4.1"))).toBe("gpt-4.1");
    expect(chatModelName({ modelName: "gpt-4o" })).toBe("gpt-4o");
    expect(chatModelName({ _identifyingParams: () => ({ model_name: "o3" }) })).toBe("o3");
    expect(chatModelName("ft:gpt-4o-mini:acme::x1")).toBe("ft:gpt-4o-mini:acme::x1");
    expect(chatModelName({})).toBeUndefined();
    expect(() => createTokenCounter({} as never)).toThrow(TypeError);
  });
});
