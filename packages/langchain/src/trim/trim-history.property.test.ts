import { AIMessage, type BaseMessage, HumanMessage, SystemMessage, ToolMessage } from "@langchain/core/messages";
import { convertMessagesToCompletionsMessageParams } from "@langchain/openai";
import { registerModel, type ToolDefinition } from "@tokenledger/core";
import fc from "fast-check";
import { get_encoding, type Tiktoken } from "tiktoken";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TrimError } from "./trim-error.js";
import { type TrimOptions, trimHistory, trimHistoryAsync } from "./trim-history.js";

/**
 * The property suite of issue 15. Every count here is independent of @tokenledger/core: the
 * messages are converted by @langchain/openai's own converter (what ChatOpenAI sends), counted
 * by the `tiktoken` reference package with OpenAI's published rules written out below.
 */

const encoders = new Map<string, Tiktoken>();
const encoder = (name: "o200k_base" | "cl100k_base") => encoders.get(name) ?? encoders.set(name, get_encoding(name)).get(name)!;
afterAll(() => {
  for (const e of encoders.values()) e.free();
});

interface Wire {
  role: string;
  content?: string | Array<{ type: string; text?: string }> | null;
  name?: string;
  tool_call_id?: string;
  tool_calls?: Array<{ id?: string; function: { name: string; arguments: string } }>;
}

const MODELS = {
  "gpt-4o": { encoding: "o200k_base", plain: false },
  "gpt-4": { encoding: "cl100k_base", plain: false },
  "llama-3-70b": { encoding: "o200k_base", plain: true },
} as const;
type Model = keyof typeof MODELS;

const wire = (messages: BaseMessage[], model: string) =>
  convertMessagesToCompletionsMessageParams({ messages, model }) as unknown as Wire[];

/** Text of a wire content: a string, or its text parts joined. */
const textOf = (content: Wire["content"]) =>
  typeof content === "string" ? content : (content ?? []).map((p) => (p.type === "text" ? (p.text ?? "") : "")).join("");

/**
 * OpenAI's rules (cookbook "How to count tokens with tiktoken"): 3 per message + role + content
 * + name (+1) + tool_call_id + each tool call's name and arguments; 3 to prime the reply; tools:
 * 12 + per function 7 (o200k) or 10 (cl100k) + "name:description", properties 3 + 3 and
 * "key:type:description" each. Models outside OpenAI's formats: the texts joined with newlines.
 */
function referenceCount(messages: BaseMessage[], model: Model, tools: ToolDefinition[]): number {
  const { encoding, plain } = MODELS[model];
  const enc = encoder(encoding);
  const n = (text: string) => enc.encode_ordinary(text).length;
  let total = 0;
  if (tools.length > 0) {
    total += 12;
    for (const { function: fn } of tools) {
      total += (encoding === "cl100k_base" ? 10 : 7) + n(`${fn.name}:${(fn.description ?? "").replace(/\.$/, "")}`);
      const properties = Object.entries(fn.parameters?.properties ?? {});
      if (properties.length > 0) total += 3;
      for (const [key, p] of properties) total += 3 + n(`${key}:${p.type}:${(p.description ?? "").replace(/\.$/, "")}`);
    }
  }
  const sent = wire(messages, model);
  if (plain) return total + n(sent.map((m) => textOf(m.content)).join("\n"));
  total += 3;
  for (const m of sent) {
    total += 3 + n(m.role) + n(textOf(m.content));
    if (m.name) total += n(m.name) + 1;
    if (m.tool_call_id) total += n(m.tool_call_id);
    for (const call of m.tool_calls ?? []) total += n(call.function.name) + n(call.function.arguments);
  }
  return total;
}

/**
 * The Chat Completions API's rules on tool messages, on what ChatOpenAI sends: a `tool` message
 * must answer a call of the assistant message right before it (only tool messages between), each
 * call once; an assistant message's calls have distinct ids and are all answered right after it.
 */
function apiProblem(messages: BaseMessage[], model: string): string | undefined {
  const sent = wire(messages, model);
  for (let i = 0; i < sent.length; i++) {
    const m = sent[i]!;
    if (m.role === "tool") return `messages[${i}]: a tool message that follows no assistant tool call`;
    if (m.role !== "assistant" || !m.tool_calls?.length) continue;
    const open = new Set(m.tool_calls.map((c) => c.id));
    if (open.size !== m.tool_calls.length || open.has(undefined) || open.has(""))
      return `messages[${i}]: tool call ids missing or repeated`;
    let j = i + 1;
    for (; j < sent.length && sent[j]!.role === "tool"; j++) {
      if (!open.delete(sent[j]!.tool_call_id)) return `messages[${j}]: answers no open call of messages[${i}]`;
    }
    if (open.size > 0) return `messages[${i}]: calls ${[...open].join(", ")} are not answered`;
    i = j - 1;
  }
  return undefined;
}

// ---------------------------------------------------------------- generators

const words = ["hello", "world", "人工智能", "token", "budget", "こんにちは", "emoji 🎉", "the quick brown fox", "\n", "  ", "x"];
const textArb = fc.array(fc.constantFrom(...words), { maxLength: 10 }).map((w) => w.join(" "));
const contentArb = fc.oneof(
  textArb,
  fc.array(textArb, { minLength: 1, maxLength: 3 }).map((texts) => texts.map((text) => ({ type: "text" as const, text }))),
);
const nameArb = fc.option(fc.constantFrom("alice", "bob_2"), { nil: undefined });

let callId = 0;
/** Groups of messages: turns, answered tool calls, and the broken shapes the API rejects. */
const groupArb: fc.Arbitrary<BaseMessage[]> = fc.oneof(
  fc.tuple(contentArb, nameArb).map(([content, name]) => [new HumanMessage({ content, name })]),
  contentArb.map((content) => [new AIMessage({ content })]),
  fc.tuple(textArb, fc.integer({ min: 1, max: 3 })).map(([t, n]) => {
    const ids = Array.from({ length: n }, () => `call_${callId++}`);
    return [
      new AIMessage({ content: "", tool_calls: ids.map((id) => ({ name: "lookup", args: { word: t }, id })) }),
      ...ids.map((id) => new ToolMessage({ content: t, tool_call_id: id })),
    ];
  }),
  // An orphan ToolMessage, and a call nobody answered.
  textArb.map((t) => [new ToolMessage({ content: t, tool_call_id: `orphan_${callId++}` })]),
  textArb.map((t) => [new AIMessage({ content: t, tool_calls: [{ name: "lookup", args: { word: t }, id: `open_${callId++}` }] })]),
  // Answered only in part, and answered twice.
  textArb.map((t) => {
    const [a, b] = [`call_${callId++}`, `call_${callId++}`];
    return [
      new AIMessage({ content: "", tool_calls: [a, b].map((id) => ({ name: "lookup", args: {}, id })) }),
      new ToolMessage({ content: t, tool_call_id: a }),
    ];
  }),
  textArb.map((t) => {
    const id = `call_${callId++}`;
    return [
      new AIMessage({ content: "", tool_calls: [{ name: "lookup", args: {}, id }] }),
      new ToolMessage({ content: t, tool_call_id: id }),
      new ToolMessage({ content: t, tool_call_id: id }),
    ];
  }),
);

const historyArb = fc
  .tuple(fc.boolean(), fc.array(groupArb, { maxLength: 20 }))
  .map(([system, groups]) => [...(system ? [new SystemMessage("You are helpful and brief.")] : []), ...groups.flat()]);

const lookupTool = (properties: number): ToolDefinition => ({
  type: "function",
  function: {
    name: `lookup_${properties}`,
    description: "Look a word up in the dictionary.",
    parameters: {
      type: "object",
      properties: Object.fromEntries(
        Array.from({ length: properties }, (_, i) => [
          `field_${i}`,
          { type: "string", description: `The ${i}th field of the query, explained.` },
        ]),
      ),
    },
  },
});
/** No tools, a small one, and tools heavier than most budgets here. */
const toolsArb = fc.constantFrom<ToolDefinition[]>([], [lookupTool(1)], [lookupTool(12), lookupTool(20)]);

const BAD_NUMBERS = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -1, -1e9];
const budgetArb = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 500 }) },
  { weight: 1, arbitrary: fc.constantFrom(...BAD_NUMBERS) },
);
const reserveArb = fc.option(fc.oneof(fc.integer({ min: 0, max: 400 }), fc.constantFrom(...BAD_NUMBERS)), { nil: undefined });
const isBad = (n: number | undefined) => n !== undefined && !(Number.isFinite(n) && n >= 0);

const optionsArb = fc.record({
  model: fc.constantFrom<Model>("gpt-4o", "gpt-4", "llama-3-70b"),
  strategy: fc.constantFrom<"last" | "first">("last", "first"),
  includeSystem: fc.boolean(),
  startOn: fc.option(fc.constantFrom<TrimOptions["startOn"]>("human", "ai", "tool", ["human", "system"], ToolMessage), { nil: undefined }),
  endOn: fc.option(fc.constantFrom<TrimOptions["endOn"]>("human", "ai", "tool", [AIMessage, ToolMessage]), { nil: undefined }),
  allowPartial: fc.boolean(),
});

const snapshotOf = (messages: BaseMessage[]) => ({ items: [...messages], json: JSON.stringify(messages) });
function expectUntouched(messages: BaseMessage[], before: ReturnType<typeof snapshotOf>) {
  expect(messages).toHaveLength(before.items.length);
  for (let i = 0; i < messages.length; i++) expect(messages[i]).toBe(before.items[i]);
  expect(JSON.stringify(messages)).toBe(before.json);
}

/** What must be sent whatever is dropped: tools, reply priming, and the system message under includeSystem. */
const minimumOf = (history: BaseMessage[], options: { includeSystem: boolean; strategy: string }) =>
  options.includeSystem && options.strategy === "last" && history[0]?.getType() === "system" ? [history[0]] : [];

describe("trimHistory on hostile options and histories (property, independent counts)", () => {
  it("returns an API-valid history within the budget by tiktoken's count, or throws TrimError for a reason; never changes its input", () => {
    fc.assert(
      fc.property(
        historyArb,
        budgetArb,
        reserveArb,
        toolsArb,
        fc.boolean(),
        optionsArb,
        (history, maxTokens, reserve, tools, byModel, o) => {
          const options: TrimOptions = { ...o, tools, reserveOutputTokens: reserve, ...(byModel ? {} : { maxTokens }) };
          const before = snapshotOf(history);
          let kept: BaseMessage[];
          try {
            kept = trimHistory(history, options);
          } catch (error) {
            expect(error).toBeInstanceOf(TrimError);
            const budget = byModel ? undefined : maxTokens;
            const badOption = isBad(reserve) || (!byModel && isBad(maxTokens)) || (byModel && MODELS[o.model].plain);
            if (!badOption) expect(referenceCount(minimumOf(history, o), o.model, tools)).toBeGreaterThan(budget ?? -1);
            expectUntouched(history, before);
            return;
          }
          expect(isBad(reserve) || (!byModel && isBad(maxTokens))).toBe(false);
          // By model, the budget is the window (gpt-4o 128,000; gpt-4 8,192) minus the reserve, whatever is generated here.
          const budget = byModel
            ? (o.model === "gpt-4" ? 8_192 : 128_000) - (reserve ?? (o.model === "gpt-4" ? 4_096 : 16_384))
            : maxTokens;
          expect(referenceCount(kept, o.model, tools)).toBeLessThanOrEqual(budget);
          expect(apiProblem(kept, o.model)).toBeUndefined();
          for (const m of kept) if (!history.includes(m)) expect(o.allowPartial).toBe(true);
          expectUntouched(history, before);
        },
      ),
      { numRuns: 400 },
    );
  });

  it("with a user counter, sync or async: the same result, within the budget by that counter, or TrimError when it answers NaN, Infinity, a negative or throws", async () => {
    const enc = encoder("o200k_base");
    const tokens = (m: BaseMessage) =>
      4 + enc.encode_ordinary(typeof m.content === "string" ? m.content : JSON.stringify(m.content)).length;
    const POISON = ["NaN", "Infinity", "negative", "throws"] as const;
    const poisonArb = fc.option(fc.constantFrom(...POISON), { nil: undefined });
    await fc.assert(
      fc.asyncProperty(historyArb, fc.integer({ min: 0, max: 300 }), optionsArb, poisonArb, async (history, maxTokens, o, poison) => {
        // The poisoned answer comes for one message only: the newest human one.
        const target = [...history].reverse().find((m) => m.getType() === "human");
        const count = (ms: BaseMessage[]) => {
          let total = ms.length === 0 ? 3 : 0;
          for (const m of ms) {
            if (m === target && poison === "NaN") return Number.NaN;
            if (m === target && poison === "Infinity") return Number.POSITIVE_INFINITY;
            if (m === target && poison === "negative") return -1e9;
            if (m === target && poison === "throws") throw new Error("counter broke");
            total += tokens(m);
          }
          return total;
        };
        // The documented contract: a result costs tokenCounter([]) plus tokenCounter([m]) for each m.
        const byContract = (ms: BaseMessage[]) => ms.reduce((n, m) => n + count([m]), count([]));
        const before = snapshotOf(history);
        const run = async (tokenCounter: TrimOptions["tokenCounter"], sync: boolean) => {
          const options = { ...o, maxTokens, tokenCounter };
          try {
            return { kept: sync ? trimHistory(history, options) : await trimHistoryAsync(history, options) };
          } catch (error) {
            expect(error).toBeInstanceOf(TrimError);
            return { error: error as TrimError };
          }
        };
        const sync = await run(count, true);
        const viaAsync = await run(count, false);
        const awaited = await run(async (ms) => count(ms), false);
        expect(() => trimHistory(history, { ...o, maxTokens, tokenCounter: async (ms) => count(ms) })).toThrow(/returned a Promise/);
        expectUntouched(history, before);
        for (const result of [sync, viaAsync, awaited]) {
          if (result.error) {
            if (!result.error.message.includes("tokenCounter") || result.error.message.includes("alone need")) {
              expect(byContract(minimumOf(history, o))).toBeGreaterThan(maxTokens);
            } else expect(poison).toBeDefined();
            continue;
          }
          expect(result.kept).not.toContain(poison ? target : null);
          expect(count(result.kept!)).toBeLessThanOrEqual(maxTokens);
          expect(byContract(result.kept!)).toBeLessThanOrEqual(maxTokens);
          expect(apiProblem(result.kept!, "gpt-4o")).toBeUndefined();
        }
        if (!poison) {
          expect(viaAsync).toEqual(sync);
          expect(awaited).toEqual(sync);
        }
      }),
      { numRuns: 150 },
    );
  });

  it("re-counts messages edited in place after a trim (content parts, pushed parts, strings, tool-call args)", () => {
    fc.assert(
      fc.property(
        historyArb,
        fc.integer({ min: 20, max: 400 }),
        fc.array(fc.nat(), { minLength: 1, maxLength: 5 }),
        (history, maxTokens, picks) => {
          const options = { model: "gpt-4o", maxTokens };
          trimHistory(history, options); // warms every cache
          for (const pick of picks) {
            const m = history[pick % Math.max(1, history.length)] as (BaseMessage & { tool_calls?: AIMessage["tool_calls"] }) | undefined;
            if (!m) continue;
            const long = " and a much longer text, edited in place after the first trim".repeat(3);
            if (m.tool_calls?.length) m.tool_calls[0]!.args = { word: long };
            else if (Array.isArray(m.content)) {
              (m.content[0] as { text: string }).text += long;
              (m.content as Array<{ type: string; text: string }>).push({ type: "text", text: long });
            } else m.content = `${m.content}${long}`;
          }
          const kept = trimHistory(history, options);
          expect(referenceCount(kept, "gpt-4o", [])).toBeLessThanOrEqual(maxTokens);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe("the default reserve leaves a usable prompt budget", () => {
  beforeAll(() => registerModel({ match: "whole-window-model", encoding: "o200k_base", contextWindow: 1_000, maxOutputTokens: 1_000 }));

  it("caps the reserve at half the window (gpt-4, gpt-4-0613, gpt-3.5-turbo-0613, gpt-oss-120b keep messages)", () => {
    const history = [
      new HumanMessage("What is a context window?"),
      new AIMessage("The tokens a model reads."),
      new HumanMessage("Thanks!"),
    ];
    for (const model of ["gpt-4", "gpt-4-0613", "gpt-3.5-turbo-0613", "gpt-oss-120b", "whole-window-model"]) {
      expect(trimHistory(history, { model })).toEqual(history);
    }
    // 1,000-token window, 1,000-token max output: 500 for the prompt.
    const long = Array.from({ length: 200 }, (_, i) => new HumanMessage(`message number ${i}`));
    const kept = trimHistory(long, { model: "whole-window-model" });
    expect(referenceCount(kept, "gpt-4o", [])).toBeLessThanOrEqual(500);
    expect(referenceCount(long.slice(long.length - kept.length - 1), "gpt-4o", [])).toBeGreaterThan(500);
    expect(trimHistory(long, { model: "whole-window-model", reserveOutputTokens: 900 }).length).toBeLessThan(kept.length);
  });
});
