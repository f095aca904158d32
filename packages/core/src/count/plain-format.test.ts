import fc from "fast-check";
import { get_encoding } from "tiktoken";
import { afterAll, describe, expect, it } from "vitest";
import { getEncoder } from "../loader/index.js";
import type { ChatMessage, ToolDefinition } from "./chat-types.js";
import { countMessages } from "./count-messages.js";
import { countToolDefinitions } from "./count-tools.js";
import { countPlain } from "./plain-format.js";

/** Claude's and Gemini's formats are not public: both count by the plain rule with the fallback encoding (o200k_base). */
const CLAUDE = { model: "claude-sonnet-4-5" };
const o200k = getEncoder("o200k_base");
/** The reference package, for counts independent of core's encoder. */
const reference = get_encoding("o200k_base");
afterAll(() => reference.free());
const n = (text: string) => reference.encode_ordinary(text).length;

/** Arguments of about 2,800 tokens: a file written by a tool call, as an agent sends it. */
const LONG_ARGS = JSON.stringify({
  path: "src/report.ts",
  content: Array.from(
    { length: 120 },
    (_, i) => `export const line${i} = computeTotal(order_${i}, { tax: ${i % 7}, region: "eu-west" });`,
  ).join("\n"),
});

const sumOf = (count: { perMessage: number[]; tools: number; replyPriming: number }) =>
  count.perMessage.reduce((a, b) => a + b, 0) + count.tools + count.replyPriming;

describe("the plain rule counts what is sent (issue 30)", () => {
  it("counts an assistant message's tool-call arguments (was 4 tokens for 2,804 of arguments)", () => {
    expect(n(LONG_ARGS)).toBeGreaterThan(2_000);
    const call: ChatMessage = {
      role: "assistant",
      content: null,
      tool_calls: [{ id: "toolu_01", type: "function", function: { name: "write_file", arguments: LONG_ARGS } }],
    };
    const count = countMessages([call], CLAUDE);
    expect(count).toMatchObject({ chatFormat: "plain", approximate: true, encoding: "o200k_base" });
    expect(count.total).toBeGreaterThanOrEqual(n(LONG_ARGS) + n("write_file"));
    expect(count.total).toBe(o200k.count(`{"id":"toolu_01","name":"write_file","arguments":${LONG_ARGS}}`));
    // The same call in every shape that carries one: LangChain's, a legacy function_call, an Anthropic tool_use block.
    const shapes: unknown[] = [
      { role: "assistant", content: "", tool_calls: [{ id: "toolu_01", name: "write_file", args: JSON.parse(LONG_ARGS) }] },
      { role: "assistant", content: null, function_call: { name: "write_file", arguments: LONG_ARGS } },
      { role: "assistant", content: [{ type: "tool_use", id: "toolu_01", name: "write_file", input: JSON.parse(LONG_ARGS) }] },
    ];
    for (const shape of shapes) {
      expect(countMessages([shape as ChatMessage], CLAUDE).total).toBeGreaterThanOrEqual(n(LONG_ARGS));
    }
    for (const model of ["gemini-2.5-pro", "llama-3-70b"]) expect(countMessages([call], { model }).total).toBeGreaterThan(n(LONG_ARGS));
  });

  it("counts a tool_use block that repeats one of tool_calls once (ChatAnthropic's AIMessage carries both)", () => {
    const input = { path: "a.ts", mode: "read" };
    const block = { type: "tool_use", id: "toolu_7", name: "read_file", input };
    const both = { role: "assistant", content: [{ type: "text", text: "Reading it." }, block] };
    const withCalls = { ...both, tool_calls: [{ id: "toolu_7", function: { name: "read_file", arguments: JSON.stringify(input) } }] };
    expect(countMessages([withCalls as ChatMessage], CLAUDE).total).toBe(countMessages([both as ChatMessage], CLAUDE).total);
    const other = { ...both, tool_calls: [{ id: "toolu_8", function: { name: "read_file", arguments: JSON.stringify(input) } }] };
    expect(countMessages([other as ChatMessage], CLAUDE).total).toBeGreaterThan(countMessages([both as ChatMessage], CLAUDE).total);
  });

  it("counts tool results, names, Anthropic tool_result blocks with nested content, thinking and images", () => {
    const result = "72°F and sunny in Paris, light wind from the west.";
    const text = (content: unknown) => countMessages([{ role: "user", content } as ChatMessage], CLAUDE).total;
    expect(countMessages([{ role: "tool", content: result, tool_call_id: "call_abc123" }], CLAUDE).total).toBe(
      n(result) + n("call_abc123"),
    );
    expect(countMessages([{ role: "user", content: result, name: "alice" }], CLAUDE).total).toBe(n(result) + n("alice"));
    expect(text([{ type: "tool_result", tool_use_id: "toolu_1", content: result }])).toBe(n("toolu_1") + n(result));
    expect(text([{ type: "tool_result", tool_use_id: "toolu_1", content: [{ type: "text", text: result }] }])).toBe(
      n("toolu_1") + n(result),
    );
    expect(text([{ type: "thinking", thinking: result, signature: "sig" }])).toBe(n(result));
    // Images by OpenAI's tile rule: 1024x1024 (85 + 4 tiles) unless sized, low detail 85.
    expect(text([{ type: "image", source: { type: "base64", media_type: "image/png", data: "iVBORw0KGgo=".repeat(1_000) } }])).toBe(
      85 + 170 * 4,
    );
    expect(text([{ type: "image_url", image_url: { url: "data:,", detail: "high", width: 512, height: 512 } }])).toBe(85 + 170);
    expect(text([{ type: "image_url", image_url: { url: "data:,", detail: "low" } }])).toBe(85);
    // A tool_result holding an image: the id, its text, the image.
    const nested = [
      {
        type: "tool_result",
        tool_use_id: "t",
        content: [
          { type: "text", text: result },
          { type: "image", source: {} },
        ],
      },
    ];
    expect(text(nested)).toBe(n("t") + n(result) + 85 + 170 * 4);
    // A part of a type it does not know counts as its JSON.
    const unknown = { type: "document", source: { type: "text", media_type: "text/plain", data: result } };
    expect(text([unknown])).toBe(n(JSON.stringify(unknown)));
  });

  it("still counts a history of text messages as their contents joined with newlines", () => {
    const messages: ChatMessage[] = [
      { role: "system", content: "Be brief." },
      {
        role: "user",
        content: [
          { type: "text", text: "你好，" },
          { type: "text", text: "世界" },
        ],
      },
      { role: "assistant", content: "Hello, world." },
    ];
    const count = countMessages(messages, CLAUDE);
    expect(count.perMessage).toEqual([n("Be brief.\n"), n("你好，世界\n"), n("Hello, world.")]);
    expect(count.total).toBe(n("Be brief.\n你好，世界\nHello, world."));
  });

  it("adds the cookbook's tool rule for the tools option, and its parts sum to the total", () => {
    const tools: ToolDefinition[] = [
      {
        type: "function",
        function: { name: "lookup", description: "Look a word up.", parameters: { properties: { w: { type: "string" } } } },
      },
    ];
    const messages: ChatMessage[] = [{ role: "user", content: "define token" }];
    const count = countMessages(messages, { ...CLAUDE, tools });
    expect(count.tools).toBe(countToolDefinitions(tools, o200k).tokens);
    expect(count.tools).toBeGreaterThan(0);
    expect(count.total).toBe(count.tools + n("define token"));
  });
});

// ---------------------------------------------------------------- random histories

const textArb = fc
  .array(fc.constantFrom("hello", "world", "人工智能", "token", "\n", "  ", "emoji 🎉", '{"a":1}', "x", ".", "the quick brown fox"), {
    maxLength: 8,
  })
  .map((w) => w.join(" "));
const idArb = fc.stringMatching(/^(call|toolu)_[a-zA-Z0-9]{1,12}$/);
const argsArb = fc.jsonValue({ maxDepth: 3 });
const nameArb = fc.constantFrom("lookup", "write_file", "get_weather");
const imageArb = fc.oneof(
  fc.record({
    type: fc.constant("image_url"),
    image_url: fc.record({
      url: fc.constant("data:,"),
      detail: fc.constantFrom("low", "high", "auto"),
      width: fc.option(fc.integer({ min: 1, max: 5000 }), { nil: undefined }),
      height: fc.option(fc.integer({ min: 1, max: 5000 }), { nil: undefined }),
    }),
  }),
  fc.constant({ type: "image", source: { type: "base64", media_type: "image/png", data: "iVBORw0KGgo=" } }),
);
const toolUseArb = fc.record({ type: fc.constant("tool_use"), id: idArb, name: nameArb, input: argsArb });
const partArb = fc.oneof(
  fc.record({ type: fc.constant("text"), text: textArb }),
  imageArb,
  toolUseArb,
  fc.record({
    type: fc.constant("tool_result"),
    tool_use_id: idArb,
    content: fc.oneof(textArb, fc.array(fc.oneof(fc.record({ type: fc.constant("text"), text: textArb }), imageArb), { maxLength: 3 })),
  }),
  fc.record({ type: fc.constant("thinking"), thinking: textArb }),
  fc.record({ type: fc.constant("document"), title: textArb }),
  textArb,
);
const contentArb = fc.oneof(textArb, fc.constant(null), fc.array(partArb, { maxLength: 4 }));
const toolCallArb = fc.oneof(
  fc.record({
    id: idArb,
    type: fc.constant("function"),
    function: fc.record({ name: nameArb, arguments: argsArb.map((a) => JSON.stringify(a)) }),
  }),
  fc.record({ id: idArb, name: nameArb, args: argsArb }),
);
const messageArb: fc.Arbitrary<ChatMessage> = fc.oneof(
  fc.record(
    { role: fc.constantFrom("system", "user", "assistant"), content: contentArb, name: fc.option(nameArb, { nil: undefined }) },
    { requiredKeys: ["role", "content"] },
  ),
  fc.record({ role: fc.constant("assistant"), content: contentArb, tool_calls: fc.array(toolCallArb, { minLength: 1, maxLength: 3 }) }),
  fc.record({ role: fc.constant("tool"), content: textArb, tool_call_id: idArb }),
  fc.record({
    role: fc.constant("assistant"),
    content: fc.constant(null),
    function_call: fc.record({ name: nameArb, arguments: argsArb.map((a) => JSON.stringify(a)) }),
  }),
) as fc.Arbitrary<ChatMessage>;
const toolsArb = fc.constantFrom<ToolDefinition[] | undefined>(
  undefined,
  [],
  [
    {
      type: "function",
      function: { name: "lookup", description: "Look a word up.", parameters: { properties: { word: { type: "string" } } } },
    },
  ],
);

describe("the plain rule's parts (property)", () => {
  it("sum to the total; each message counts the same wherever it stands; nothing is left as it was not", () => {
    fc.assert(
      fc.property(
        fc.array(messageArb, { maxLength: 10 }),
        toolsArb,
        fc.constantFrom("claude-sonnet-4-5", "gemini-2.5-pro", "llama-3-70b"),
        (messages, tools, model) => {
          const before = JSON.stringify(messages);
          const count = countMessages(messages, { model, tools });
          expect(count).toMatchObject({ chatFormat: "plain", approximate: true, replyPriming: 0 });
          expect(count.perMessage).toHaveLength(messages.length);
          expect(sumOf(count)).toBe(count.total);
          for (const tokens of count.perMessage) expect(Number.isSafeInteger(tokens) && tokens >= 0).toBe(true);
          // A message's count depends on it alone (and on whether a message follows it).
          for (let i = 0; i < messages.length; i++) {
            const alone = countMessages(i < messages.length - 1 ? [messages[i]!, messages[i]!] : [messages[i]!], { model }).perMessage[0];
            expect(count.perMessage[i]).toBe(alone);
          }
          // Every tool call counts at least its arguments.
          for (const [i, m] of messages.entries()) {
            for (const call of m.tool_calls ?? []) {
              const c = call as { function?: { arguments: string }; args?: unknown };
              const args = c.function ? c.function.arguments : typeof c.args === "string" ? c.args : JSON.stringify(c.args);
              expect(count.perMessage[i]!).toBeGreaterThanOrEqual(n(args));
            }
          }
          expect(JSON.stringify(messages)).toBe(before);
        },
      ),
      { numRuns: 300 },
    );
  });
});

// ---------------------------------------------------------------- hostile input

const boom = () => {
  throw new Error("hostile");
};
const hostileProxy = () => new Proxy({}, { get: boom, has: boom, ownKeys: boom, getOwnPropertyDescriptor: boom, getPrototypeOf: boom });
const revoked = () => {
  const { proxy, revoke } = Proxy.revocable([], {});
  revoke();
  return proxy;
};

function cyclicInput() {
  const input: Record<string, unknown> = { path: "a.ts", items: [1, 2, 3] };
  input.self = input;
  (input.items as unknown[]).push(input);
  return input;
}

function deepInput(depth: number) {
  let value: unknown = "leaf";
  for (let i = 0; i < depth; i++) value = { next: value };
  return value;
}

function selfContainingResult() {
  const content: unknown[] = [{ type: "text", text: "result" }];
  const block = { type: "tool_result", tool_use_id: "t", content };
  content.push(block, block);
  return block;
}

const HUGE = "lorem ipsum dolor sit amet, ".repeat(40_000);

const hostile: Array<[string, unknown]> = [
  ["null content", { role: "assistant", content: null }],
  ["a missing content", { role: "user" }],
  ["a tool_use input with cycles", { role: "assistant", content: [{ type: "tool_use", id: "x", name: "f", input: cyclicInput() }] }],
  ["LangChain args with cycles", { role: "assistant", content: "", tool_calls: [{ id: "x", name: "f", args: cyclicInput() }] }],
  ["a tool_use input 100,000 levels deep", { role: "assistant", content: [{ type: "tool_use", name: "f", input: deepInput(100_000) }] }],
  ["a BigInt in an input", { role: "assistant", content: [{ type: "tool_use", name: "f", input: { n: 10n, m: [1n] } }] }],
  [
    "an input whose getter throws",
    {
      role: "assistant",
      content: [{ type: "tool_use", name: "f", input: Object.defineProperty({ a: 1 }, "b", { get: boom, enumerable: true }) }],
    },
  ],
  ["an input that is a Proxy", { role: "assistant", content: [{ type: "tool_use", name: "f", input: hostileProxy() }] }],
  ["an input that is a revoked Proxy", { role: "assistant", content: [{ type: "tool_use", name: "f", input: revoked() }] }],
  ["a tool_result that contains itself", { role: "user", content: [selfContainingResult()] }],
  [
    "a tool_result whose content is a Proxy",
    { role: "user", content: [{ type: "tool_result", tool_use_id: "t", content: hostileProxy() }] },
  ],
  ["content that is a revoked Proxy", { role: "user", content: revoked() }],
  ["a part that is a Proxy", { role: "user", content: [hostileProxy()] }],
  ["a Proxy message", hostileProxy()],
  ["a revoked Proxy message", revoked()],
  ["tool_calls that is a revoked Proxy", { role: "assistant", content: null, tool_calls: revoked() }],
  ["a tool call that is null, a number, a Proxy", { role: "assistant", content: null, tool_calls: [null, 7, hostileProxy()] }],
  ["a function_call that is a Proxy", { role: "assistant", content: null, function_call: hostileProxy() }],
  ["arguments that are an object", { role: "assistant", content: null, tool_calls: [{ function: { name: "f", arguments: { a: 1 } } }] }],
  [
    "an image of Infinity by NaN",
    { role: "user", content: [{ type: "image_url", image_url: { url: "x", width: Number.POSITIVE_INFINITY, height: Number.NaN } }] },
  ],
  ["a huge text", { role: "user", content: HUGE }],
  ["huge arguments", { role: "assistant", content: null, tool_calls: [{ function: { name: "f", arguments: HUGE } }] }],
  ["a part that is a number", { role: "user", content: [5, undefined, null] }],
  ["a symbol name", { role: "user", content: "x", name: Symbol("s") }],
];

describe("the plain rule on hostile input", () => {
  const good: ChatMessage = { role: "user", content: "Hello there" };
  it.each(hostile)("%s: never throws, parts sum to the total, neighbours count as alone", (_, message) => {
    const before = countMessages([good, good], CLAUDE);
    const count = countMessages([good, message as ChatMessage, good], CLAUDE);
    expect(count.perMessage).toHaveLength(3);
    for (const tokens of count.perMessage) expect(Number.isSafeInteger(tokens) && tokens >= 0).toBe(true);
    expect(sumOf(count)).toBe(count.total);
    expect(count.approximate).toBe(true);
    expect(count.perMessage[0]).toBe(before.perMessage[0]);
    expect(count.perMessage[2]).toBe(before.perMessage[1]);
  });

  it("counts what it can read of a cyclic input: every key once, the cycle as null", () => {
    const tokens = countMessages(
      [{ role: "assistant", content: [{ type: "tool_use", name: "f", input: cyclicInput() }] } as never],
      CLAUDE,
    ).total;
    expect(tokens).toBe(n('{"name":"f","arguments":{"path":"a.ts","items":[1,2,3,null],"self":null}}'));
  });

  it("counts huge arguments in full", () => {
    const message = hostile.find(([what]) => what === "huge arguments")![1] as ChatMessage;
    expect(countMessages([message], CLAUDE).total).toBeGreaterThanOrEqual(n(HUGE));
  });

  it("counts a list whose elements throw, or that is not a list, element by element", () => {
    const list = new Proxy([good, good, good], { get: (target, key) => (key === "1" ? boom() : Reflect.get(target, key)) });
    const count = countPlain(list as ChatMessage[], o200k, { tokens: 0, approximate: false });
    expect(count.perMessage).toEqual([n("Hello there\n"), n("\n"), n("Hello there")]);
    expect(countMessages(list as ChatMessage[], CLAUDE).perMessage).toEqual(count.perMessage);
    for (const bad of [null, undefined, 5, "text", revoked(), hostileProxy(), { length: 3 }])
      expect(countMessages(bad as never, CLAUDE)).toMatchObject({ total: 0, perMessage: [] });
  });
});
