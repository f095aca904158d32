import { describe, expect, it } from "vitest";
import { isLlama3_0, LLAMA3_DATE, llama3_0PromptTokens, llama3Prompt, llama3PromptTokens, toVllmMessages } from "./llama3-prompt-tokens.js";
import type { WireMessage, WireTool } from "./prompt-tokens.js";

const WEATHER: WireTool = {
  function: { name: "get_weather", description: "Weather", parameters: { properties: { city: { type: "string" } } } },
};

describe("the vLLM-style Llama 3.1 count", () => {
  it("renders Meta's 3.1+ template: the date header with the template's default date, tools in the first user message", () => {
    const prompt = llama3Prompt(toVllmMessages([{ role: "user", content: "Weather in Paris?" }]), [WEATHER]);
    expect(prompt.startsWith("<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\n")).toBe(true);
    expect(prompt).toContain(`Cutting Knowledge Date: December 2023\nToday Date: ${LLAMA3_DATE}\n\n<|eot_id|>`);
    expect(prompt).toMatch(
      /<\|start_header_id\|>user<\|end_header_id\|>\n\nGiven the following functions[\s\S]*"get_weather"[\s\S]*Weather in Paris\?<\|eot_id\|>/,
    );
    expect(prompt.endsWith("<|start_header_id|>assistant<|end_header_id|>\n\n")).toBe(true);
  });

  it("passes tool calls as vLLM does: arguments parsed from JSON, the wire messages left as they were", () => {
    const wire: WireMessage[] = [
      {
        role: "user",
        content: [
          { type: "text", text: "a" },
          { type: "text", text: "b" },
        ],
      },
      {
        role: "assistant",
        content: null,
        tool_calls: [{ id: "c1", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } }],
      },
      { role: "tool", content: "14 C", tool_call_id: "c1" },
    ];
    const copy = structuredClone(wire);
    const messages = toVllmMessages(wire);
    expect(wire).toEqual(copy);
    expect(messages[0]).toEqual({ role: "user", content: "a\nb" });
    expect(messages[1]!.tool_calls).toEqual([
      { id: "c1", type: "function", function: { name: "get_weather", arguments: { city: "Paris" } } },
    ]);
    // The template writes the parsed arguments with tojson, as Python's json.dumps would.
    expect(llama3Prompt(messages)).toContain('{"name": "get_weather", "parameters": {"city": "Paris"}}<|eot_id|>');
    expect(llama3PromptTokens(messages)).toBeGreaterThan(llama3PromptTokens(messages.slice(0, 1)));
  });

  it("throws where the template raises (two tool calls in one message), so the server answers 400 as vLLM does", () => {
    const call = { type: "function", function: { name: "f", arguments: "{}" } };
    expect(() =>
      llama3PromptTokens(
        toVllmMessages([
          { role: "user", content: "x" },
          { role: "assistant", content: null, tool_calls: [call, call] },
        ]),
      ),
    ).toThrow(/single tool-calls/);
  });

  it("Llama 3 (3.0)'s count, the Anthropic server's, has no date header: fewer tokens for the same chat", () => {
    const messages = [{ role: "user", content: "Hi" }];
    // <|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n
    expect(llama3_0PromptTokens(messages)).toBe(11);
    expect(llama3PromptTokens(messages)).toBeGreaterThan(11);
  });
});

describe("isLlama3_0", () => {
  it("tells Llama 3 (3.0) names from 3.1+ ones, as a vLLM operator would pick the template", () => {
    for (const name of ["llama3", "llama3:8b", "llama3-70b-8192", "meta-llama/Meta-Llama-3-8B-Instruct", "meta.llama3-8b-instruct-v1:0"])
      expect(isLlama3_0(name), name).toBe(true);
    for (const name of [
      "llama3.1-8b",
      "llama3.2:3b",
      "llama-3.3-70b-versatile",
      "meta-llama/Llama-3.1-8B-Instruct",
      "meta.llama3-1-70b-instruct-v1:0",
      "gpt-4o",
    ])
      expect(isLlama3_0(name), name).toBe(false);
  });
});
