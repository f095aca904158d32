// Core's `countMessages` reads LangChain messages by their shape (core imports no LangChain): here,
// with real @langchain/core messages, it must count what `createTokenCounter` counts (which converts
// each with `toChatMessage`), for instances and for their JSON. Integration: it reads core's `dist/`.
import { AIMessage, ChatMessage, HumanMessage, SystemMessage, ToolMessage } from "@langchain/core/messages";
import { countMessages } from "@tokenledger/core";
import { describe, expect, it } from "vitest";
import { toChatMessage } from "./to-chat-message.js";
import { createTokenCounter } from "./token-counter.js";

const conversation = () => [
  new SystemMessage("You are a helpful assistant who answers in one sentence."),
  new HumanMessage({ content: "What's the weather in Paris?", name: "alice" }),
  new AIMessage({ content: "", tool_calls: [{ name: "get_weather", args: { city: "Paris" }, id: "call_1", type: "tool_call" }] }),
  new ToolMessage({ content: '{"temperature": 21, "sky": "clear"}', tool_call_id: "call_1", name: "get_weather" }),
  new AIMessage({
    content: "",
    additional_kwargs: { tool_calls: [{ id: "call_2", type: "function", function: { name: "get_time", arguments: '{"tz":"CET"}' } }] },
  }),
  new ToolMessage({ content: "12:00", tool_call_id: "call_2" }),
  new HumanMessage({
    content: [
      { type: "text", text: "And this picture?" },
      { type: "image_url", image_url: { url: "https://example.com/a.png", detail: "low" } },
    ],
  }),
  new ChatMessage({ content: "Looks fine to me.", role: "critic" }),
  new AIMessage("It is 21 degrees and clear in Paris; the picture shows a cat."),
];

describe("countMessages with real LangChain messages", () => {
  it.each(["gpt-4o", "gpt-4o-mini", "gpt-4", "gpt-3.5-turbo-0301", "o3"])(
    "%s: counts as createTokenCounter, instances and JSON",
    (model) => {
      const messages = conversation();
      const expected = createTokenCounter(model)(messages);
      const counted = countMessages(messages, { model });
      expect(counted.total).toBe(expected);
      expect(counted).toEqual(
        countMessages(
          messages.map((m) => toChatMessage(m)),
          { model },
        ),
      );
      expect(countMessages(JSON.parse(JSON.stringify(messages)), { model }).total).toBe(expected);
    },
  );

  it("counts the system, human and AI messages of the issue exactly (not as the plain rule)", () => {
    const messages = [
      new SystemMessage("You are a helpful assistant."),
      new HumanMessage("What is the capital of France?"),
      new AIMessage("The capital of France is Paris."),
    ];
    const counted = countMessages(messages, { model: "gpt-4o" });
    expect(counted).toMatchObject({ chatFormat: "openai", approximate: false, total: createTokenCounter("gpt-4o")(messages) });
    expect(counted.total).toBe(
      countMessages(
        [
          { role: "system", content: "You are a helpful assistant." },
          { role: "user", content: "What is the capital of France?" },
          { role: "assistant", content: "The capital of France is Paris." },
        ],
        { model: "gpt-4o" },
      ).total,
    );
  });
});
