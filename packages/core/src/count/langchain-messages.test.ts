import { get_encoding } from "tiktoken";
import { afterAll, describe, expect, it } from "vitest";
import { loadReference } from "../open-weight/reference-tokenizer.test-helper.js";
import type { ChatMessage } from "./chat-types.js";
import { countMessages } from "./count-messages.js";
import { fromLangChainMessages, isLangChainShaped } from "./langchain-messages.js";

// LangChain messages are read by shape (core imports no LangChain). The objects here are shaped as
// @langchain/core 1.x builds them: an instance has `lc_serializable`, `lc_kwargs`, `type`,
// `getType()`, `_getType()`, `content`, `additional_kwargs`, `response_metadata`, `id`, `name`,
// and (AI) `tool_calls` of `{ name, args, id, type: "tool_call" }`; JSON.stringify writes
// `{ lc: 1, type: "constructor", id: ["langchain_core", "messages", "AIMessage"], kwargs }`;
// `mapChatMessagesToStoredMessages` writes `{ type, data: { content, ... } }`. The real classes
// are compared with `createTokenCounter` in packages/langchain/src/counters/count-messages-langchain.integration.test.ts.

const CLASSES = { human: "HumanMessage", ai: "AIMessage", system: "SystemMessage", tool: "ToolMessage" } as const;
type LcType = keyof typeof CLASSES;

/** An object shaped like a @langchain/core message instance (no prototype tricks: own fields, methods on a class). */
class FakeMessage {
  readonly lc_serializable = true;
  readonly lc_namespace = ["langchain_core", "messages"];
  readonly lc_kwargs: Record<string, unknown>;
  readonly additional_kwargs: Record<string, unknown> = {};
  readonly response_metadata: Record<string, unknown> = {};
  readonly id: string | undefined = undefined;
  content: unknown;
  name?: string;
  tool_calls?: unknown[];
  tool_call_id?: string;
  constructor(
    readonly type: LcType,
    fields: Record<string, unknown>,
  ) {
    this.lc_kwargs = fields;
    Object.assign(this, fields);
    if (type === "ai") this.tool_calls ??= [];
  }
  getType() {
    return this.type;
  }
  _getType() {
    return this.type;
  }
  toJSON() {
    return { lc: 1, type: "constructor", id: ["langchain_core", "messages", CLASSES[this.type]], kwargs: this.lc_kwargs };
  }
}

const o200k = get_encoding("o200k_base");
afterAll(() => o200k.free());
/** OpenAI's cookbook rule by tiktoken: 3 per message, its role and content, 1 per name, 3 to prime the reply. */
const cookbook = (messages: Array<{ role: string; content: string; name?: string }>) =>
  3 +
  messages.reduce(
    (sum, m) => sum + 3 + o200k.encode(m.role).length + o200k.encode(m.content).length + (m.name ? 1 + o200k.encode(m.name).length : 0),
    0,
  );

const SYSTEM = "You are a helpful assistant who answers in one sentence.";
const QUESTION = "What is the capital of France, and why?";
const ANSWER = "Paris, because it has been the seat of government for centuries.";
const openAI: Array<ChatMessage & { content: string }> = [
  { role: "system", content: SYSTEM },
  { role: "user", content: QUESTION },
  { role: "assistant", content: ANSWER },
];
const instances = () => [
  new FakeMessage("system", { content: SYSTEM }),
  new FakeMessage("human", { content: QUESTION }),
  new FakeMessage("ai", { content: ANSWER }),
];

describe("countMessages with LangChain messages", () => {
  it("counts instances as the OpenAI messages ChatOpenAI sends (the cookbook count by tiktoken), exact", () => {
    const expected = cookbook(openAI);
    const counted = countMessages(instances(), { model: "gpt-4o" });
    expect(counted).toMatchObject({ total: expected, approximate: false, chatFormat: "openai" });
    expect(counted).toEqual(countMessages(openAI, { model: "gpt-4o" }));
  });

  it("counts their JSON, stored and plain `{ type, content }` forms the same", () => {
    const expected = countMessages(openAI, { model: "gpt-4o" });
    const json = JSON.parse(JSON.stringify(instances()));
    const stored = instances().map((m) => ({ type: m.type, data: { content: m.content, additional_kwargs: {} } }));
    const plain = instances().map((m) => ({ type: m.type, content: m.content }));
    for (const list of [json, stored, plain]) expect(countMessages(list, { model: "gpt-4o" })).toEqual(expected);
  });

  it("maps names, tool calls (LangChain's and additional_kwargs'), tool results and content blocks as toChatMessage does", () => {
    const call = { name: "get_weather", args: { city: "Paris" }, id: "call_1", type: "tool_call" };
    const lc = [
      new FakeMessage("human", { content: [{ type: "text", text: "Weather?" }, "and more"], name: "alice" }),
      new FakeMessage("ai", { content: "", tool_calls: [call] }),
      new FakeMessage("tool", { content: '{"temp": 21}', tool_call_id: "call_1", name: "get_weather" }),
      new FakeMessage("ai", {
        content: "",
        additional_kwargs: { tool_calls: [{ id: "call_2", type: "function", function: { name: "f", arguments: '{"x":1}' } }] },
      }),
      new FakeMessage("human", { content: [{ type: "image_url", image_url: { url: "https://x/y.png", detail: "low" } }] }),
      new FakeMessage("human", { content: [{ type: "image", url: "https://x/z.png" }] }),
    ];
    const converted: ChatMessage[] = [
      {
        role: "user",
        content: [
          { type: "text", text: "Weather?" },
          { type: "text", text: "and more" },
        ],
        name: "alice",
      },
      {
        role: "assistant",
        content: "",
        tool_calls: [{ id: "call_1", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } }],
      },
      { role: "tool", content: '{"temp": 21}', tool_call_id: "call_1", name: "get_weather" },
      { role: "assistant", content: "", tool_calls: [{ id: "call_2", type: "function", function: { name: "f", arguments: '{"x":1}' } }] },
      { role: "user", content: [{ type: "image_url", image_url: { url: "https://x/y.png", detail: "low" } }] },
      { role: "user", content: [{ type: "image_url", image_url: { url: "https://x/z.png" } }] },
    ];
    expect(fromLangChainMessages(lc)).toEqual(converted);
    for (const model of ["gpt-4o", "gpt-4o-mini", "gpt-4", "gpt-3.5-turbo-0301", "claude-sonnet-4-5"]) {
      expect(countMessages(lc, { model })).toEqual(countMessages(converted, { model }));
      expect(countMessages(JSON.parse(JSON.stringify(lc)), { model }).total).toBe(countMessages(converted, { model }).total);
    }
  });

  it("counts them with a model's chat template as the converted messages, exact", () => {
    const { template, tokens, ids } = loadReference("llama3_1");
    const lc = [...instances(), new FakeMessage("human", { content: "And Germany?" })];
    const converted: ChatMessage[] = [...openAI, { role: "user", content: "And Germany?" }];
    const counted = countMessages(lc, { model: "llama3.1:8b" });
    expect(counted).toMatchObject({ chatFormat: "template", approximate: false });
    expect(counted).toEqual(countMessages(converted, { model: "llama3.1:8b" }));
    expect(counted.total).toBe(ids(template.render({ ...tokens, messages: converted, add_generation_prompt: true })).length);
  }, 300_000);

  it("leaves OpenAI messages alone: the same array, so the caches keep working", () => {
    const list: ChatMessage[] = [...openAI, { role: "tool", content: "r", tool_call_id: "c" }];
    expect(fromLangChainMessages(list)).toBe(list);
    expect(openAI.some((m) => isLangChainShaped(m))).toBe(false);
    // a `type` beside a string role is an OpenAI message's own business
    expect(isLangChainShaped({ role: "user", content: "x", type: "human" })).toBe(false);
  });

  it("mixes both kinds in one list", () => {
    const mixed = [openAI[0]!, new FakeMessage("human", { content: QUESTION }), openAI[2]!];
    expect(countMessages(mixed, { model: "gpt-4o" }).total).toBe(cookbook(openAI));
  });

  it("never throws on LangChain-shaped messages whose getters or getType throw", () => {
    const boom = () => {
      throw new Error("boom");
    };
    const hostile = [
      { getType: boom, content: "x" },
      Object.defineProperty({ getType: () => "human" }, "content", { get: boom, enumerable: true }),
      { lc: 1, type: "constructor", id: ["langchain_core", "messages", "HumanMessage"], kwargs: { content: "x" } },
      new Proxy(new FakeMessage("ai", { content: "x" }), { get: (t, k) => (k === "tool_calls" ? boom() : Reflect.get(t, k)) }),
    ];
    const counted = countMessages(hostile, { model: "gpt-4o" });
    expect(Number.isFinite(counted.total)).toBe(true);
    expect(counted.perMessage).toHaveLength(hostile.length);
  });
});
