import { tool } from "@langchain/core/tools";
import { convertToOpenAITool } from "@langchain/core/utils/function_calling";
import { describe, expect, it, vi } from "vitest";
import { z } from "zod/v3";
import { toToolDefinitions } from "./tool-definitions.js";

const lookup = tool(async ({ word }) => word, {
  name: "lookup",
  description: "Look a word up.",
  schema: z.object({ word: z.string().describe("The word") }),
});
const openAI = {
  type: "function" as const,
  function: { name: "get_weather", description: "Weather", parameters: { type: "object", properties: { city: { type: "string" } } } },
};

describe("toToolDefinitions, the one converter of tools for counting", () => {
  it("keeps an OpenAI definition as it is, and says nothing was guessed", () => {
    const onGuess = vi.fn();
    const [definition] = toToolDefinitions([openAI], onGuess);
    expect(definition).toBe(openAI);
    expect(onGuess).not.toHaveBeenCalled();
  });

  it("converts a LangChain tool as ChatOpenAI does (what createTokenCounter, summary memory and the middleware counted)", () => {
    expect(toToolDefinitions([lookup])).toEqual([convertToOpenAITool(lookup)]);
  });

  it("rebuilds a provider's own function shape (what the ledger counted from invocation params), flagged as a guess", () => {
    const onGuess = vi.fn();
    const schema = { type: "object", properties: { city: { type: "string" } } };
    expect(
      toToolDefinitions(
        [
          { name: "get_weather", description: "Weather", input_schema: schema },
          { name: "get_time", parameters: schema },
        ],
        onGuess,
      ),
    ).toEqual([
      { type: "function", function: { name: "get_weather", description: "Weather", parameters: schema } },
      { type: "function", function: { name: "get_time", description: undefined, parameters: schema } },
    ]);
    expect(onGuess).toHaveBeenCalledTimes(2);
  });

  it("passes a provider's built-in tool as it is (nothing to count) and leaves out what is not a tool", () => {
    const onGuess = vi.fn();
    const builtIn = { type: "web_search_preview" };
    expect(toToolDefinitions([builtIn, null, 7, "x"], onGuess)).toEqual([builtIn]);
    expect(toToolDefinitions([builtIn])[0]).toBe(builtIn);
    expect(onGuess).toHaveBeenCalledTimes(4);
  });

  it("is [] for anything but an array, and never throws on a tool that throws when read", () => {
    expect(toToolDefinitions(undefined)).toEqual([]);
    expect(toToolDefinitions({ 0: openAI })).toEqual([]);
    const hostile = new Proxy(
      {},
      {
        has: () => {
          throw new Error("no");
        },
        get: () => {
          throw new Error("no");
        },
      },
    );
    expect(() => toToolDefinitions([hostile, openAI])).not.toThrow();
  });
});
