import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ChatMessage, ToolDefinition } from "./chat-types.js";
import { countMessages } from "./count-messages.js";
import { countTokens } from "./count-tokens.js";

const boom = () => {
  throw new Error("hostile");
};
/** An object whose every property read, key listing and `in` check throws. */
const hostileProxy = () => new Proxy({}, { get: boom, has: boom, ownKeys: boom, getOwnPropertyDescriptor: boom, getPrototypeOf: boom });
const throwingGetter = (base: object, key: string) => Object.defineProperty({ ...base }, key, { get: boom, enumerable: true });
const throwingPrimitive = () => ({ toString: boom, valueOf: boom, toJSON: boom, [Symbol.toPrimitive]: boom });
const revoked = () => {
  const { proxy, revoke } = Proxy.revocable([], {});
  revoke();
  return proxy;
};

const image = (image_url: Record<string, unknown>): ChatMessage => ({
  role: "user",
  content: [{ type: "image_url", image_url: { url: "data:,", detail: "high", ...image_url } } as never],
});

/** Every hostile value issue 17 and issue 15 name, in a message, a part, a tool or the options. */
const hostileMessages: Array<[string, unknown]> = [
  ["a getter that throws on content", throwingGetter({ role: "user" }, "content")],
  ["a getter that throws on tool_calls", throwingGetter({ role: "assistant", content: "x" }, "tool_calls")],
  ["a getter that throws on role", throwingGetter({ content: "x" }, "role")],
  ["a Proxy message", hostileProxy()],
  ["a revoked Proxy message", revoked()],
  ["a part that is a Proxy", { role: "user", content: [hostileProxy()] }],
  ["content whose toString and valueOf throw", { role: "user", content: throwingPrimitive() }],
  ["a name whose toString throws", { role: "user", content: "x", name: throwingPrimitive() }],
  ["a function role whose toString throws", { role: Object.assign(() => {}, { toString: boom }), content: "x" }],
  [
    "a tool call whose arguments throw",
    { role: "assistant", content: null, tool_calls: [{ function: { name: "f", arguments: throwingPrimitive() } }] },
  ],
  ["tool_calls that is a Proxy", { role: "assistant", content: null, tool_calls: new Proxy([1], { get: boom }) }],
  ["a width whose valueOf throws", image({ width: { valueOf: boom }, height: 512 })],
  ["an image width of Infinity", image({ width: Number.POSITIVE_INFINITY, height: 1024 })],
  [
    "an image width of 1e999 from JSON",
    JSON.parse('{"role":"user","content":[{"type":"image_url","image_url":{"url":"x","detail":"high","width":1e999,"height":1e999}}]}'),
  ],
  ["an image width of NaN", image({ width: Number.NaN, height: 100 })],
  ["an image width of -Infinity", image({ width: Number.NEGATIVE_INFINITY, height: 100 })],
  ["an image_url that throws", { role: "user", content: [throwingGetter({ type: "image_url" }, "image_url")] }],
  ["a BigInt content", { role: "user", content: 10n }],
  ["a symbol name", { role: "user", content: "x", name: Symbol("s") }],
];

const hostileTools: Array<[string, unknown]> = [
  ["a Proxy tool", [hostileProxy()]],
  ["a Proxy tools list", new Proxy([], { get: boom })],
  ["a revoked tools list", revoked()],
  ["a tool whose function getter throws", [throwingGetter({ type: "function" }, "function")]],
  ["properties that is a Proxy", [{ function: { name: "f", parameters: { properties: hostileProxy() } } }]],
  ["an enum item whose toJSON throws", [{ function: { name: "f", parameters: { properties: { a: { enum: [throwingPrimitive()] } } } } }]],
  ["a description whose toString throws", [{ function: { name: "f", description: throwingPrimitive() } }]],
];

const hostileOptions: Array<[string, unknown]> = [
  ["a Proxy options object", hostileProxy()],
  ["a getter that throws on model", throwingGetter({}, "model")],
  ["a getter that throws on tools", throwingGetter({ model: "gpt-4o" }, "tools")],
  ["a model that is not a string", { model: throwingPrimitive() }],
];

function expectSane(count: ReturnType<typeof countMessages>, length: number) {
  expect(Number.isSafeInteger(count.total)).toBe(true);
  expect(count.total).toBeGreaterThanOrEqual(0);
  expect(count.perMessage).toHaveLength(length);
  for (const n of count.perMessage) expect(Number.isSafeInteger(n) && n >= 0).toBe(true);
  expect(Number.isSafeInteger(count.tools)).toBe(true);
}

class Boxed {
  constructor(readonly value: unknown) {}
}

const good: ChatMessage = { role: "user", content: "Hello there" };

describe("countMessages on hostile values never throws and never returns NaN", () => {
  for (const model of ["gpt-4o", "gpt-4", "llama-3-70b"]) {
    it.each(hostileMessages)(`${model}: %s counts as a flagged result`, (_, hostile) => {
      const count = countMessages([good, hostile as ChatMessage, good], { model });
      expectSane(count, 3);
      expect(count.approximate).toBe(true);
      // The readable messages around it still count exactly.
      expect(count.perMessage[0]).toBe(countMessages([good, good], { model }).perMessage[0]);
    });
  }

  it.each(hostileTools)("%s counts as a flagged result", (_, tools) => {
    const count = countMessages([good], { model: "gpt-4o", tools: tools as ToolDefinition[] });
    expectSane(count, 1);
    expect(count.approximate).toBe(true);
  });

  it.each(hostileOptions)("%s counts with the default model, flagged", (_, options) => {
    const count = countMessages([good], options as never);
    expectSane(count, 1);
    expect(count.total).toBe(countMessages([good]).total);
    expect(count.approximate).toBe(true);
  });

  it("counts a message list that is a Proxy, or throws half way, message by message", () => {
    const list = new Proxy([good, good, good], { get: (target, key) => (key === "1" ? boom() : Reflect.get(target, key)) });
    const count = countMessages(list as ChatMessage[]);
    expectSane(count, 3);
    expect(count.approximate).toBe(true);
    expect(count.perMessage[1]).toBe(3); // the framing alone, the documented rule
    expect(() => countMessages(revoked() as ChatMessage[])).not.toThrow();
  });

  it("counts an image of non-finite size as one of unknown size (1024x1024, 4 tiles), flagged", () => {
    const base = countMessages([{ role: "user", content: [] }]).total;
    for (const width of [Number.POSITIVE_INFINITY, Number.NaN, -5, 0, { valueOf: () => 512 }]) {
      const count = countMessages([image({ width, height: 512 })]);
      expect(count.total - base).toBe(85 + 170 * 4);
      expect(count.approximate).toBe(true);
    }
    expect(countMessages([image({ width: "512", height: "512" })]).total - base).toBe(85 + 170);
    expect(countMessages([image({ width: 1e308, height: 1e308 })]).total - base).toBe(85 + 170 * 4);
  });

  it("holds for any mix of hostile messages, tools and options (property)", () => {
    // Hostile values travel boxed: fast-check itself must not touch them.
    const message = fc.oneof(
      fc.constantFrom(...hostileMessages.map(([, m]) => new Boxed(m))),
      fc.record({ role: fc.constantFrom("user", "assistant", "tool"), content: fc.string() }),
      fc.anything(),
    );
    const tools = fc.oneof(fc.constantFrom(...hostileTools.map(([, t]) => new Boxed(t))), fc.anything(), fc.constant(undefined));
    const options = fc.oneof(
      fc.constantFrom(...hostileOptions.map(([, o]) => new Boxed(o))),
      fc.record({ model: fc.constantFrom("gpt-4o", "gpt-4", "gpt-4o-mini", "gpt-3.5-turbo-0301", "gpt-oss-20b", "llama-3"), tools }),
    );
    const unbox = (value: unknown) => (value instanceof Boxed ? value.value : value);
    fc.assert(
      fc.property(fc.array(message, { maxLength: 8 }), options, (boxed, o) => {
        const messages = boxed.map(unbox);
        const opts = o instanceof Boxed ? o.value : { model: o.model, tools: unbox(o.tools) };
        const count = countMessages(messages as ChatMessage[], opts as never);
        expectSane(count, messages.length);
      }),
      { numRuns: 500 },
    );
  });
});

describe("countTokens on hostile options", () => {
  it("counts with the default encoding when the options throw", () => {
    for (const options of hostileOptions.map(([, o]) => o)) expect(countTokens("人工智能", options as never)).toBe(2);
    expect(countTokens("人工智能", throwingGetter({}, "encoding") as never)).toBe(2);
  });
});
