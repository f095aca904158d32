import { beforeAll, describe, expect, it } from "vitest";
import type { OpenWeightEncodingName } from "../encoder/index.js";
import { loadReference, type Reference } from "../open-weight/reference-tokenizer.test-helper.js";
import type { TestScale } from "../test-scale.test-helper.js";
import type { ChatMessage, ToolDefinition } from "./chat-types.js";
import { countMessages } from "./count-messages.js";

// Long conversations (past the 64 messages where templated counting used to change method) and
// tools that make a template's prompt shorter. The reference: the model's own chat template
// rendered by @huggingface/jinja and encoded by @huggingface/tokenizers (special tokens as
// special, no BOS added), as in `count-templated.test-helper.ts`.

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
/** Today as a Python server's `strftime_now("%d %b %Y")` writes it, for Llama 3.1+'s "Today Date". */
const serverDate = () => {
  const now = new Date();
  return `${String(now.getDate()).padStart(2, "0")} ${MONTHS[now.getMonth()]} ${now.getFullYear()}`;
};

interface Family {
  family: OpenWeightEncodingName;
  model: string;
  /** Whether the template takes tool calls and tool results (Gemma's raises on a `tool` role). */
  toolCalls: boolean;
  /** Whether the template renders the `tools` definitions. */
  toolDefinitions: boolean;
  /** The content of an assistant message that only calls tools. */
  callContent: string | null;
  /** Whether a server parses the calls' arguments before rendering (DeepSeek V3's template concatenates them as text). */
  parse: boolean;
}

const FAMILIES: Family[] = [
  {
    family: "llama3",
    model: "meta-llama/Meta-Llama-3-8B-Instruct",
    toolCalls: false,
    toolDefinitions: false,
    callContent: "",
    parse: true,
  },
  { family: "llama3_1", model: "meta-llama/Llama-3.1-8B-Instruct", toolCalls: true, toolDefinitions: true, callContent: "", parse: true },
  { family: "qwen3", model: "Qwen/Qwen3-32B", toolCalls: true, toolDefinitions: true, callContent: "", parse: true },
  { family: "deepseek_v3", model: "deepseek-chat", toolCalls: true, toolDefinitions: false, callContent: null, parse: false },
  { family: "gemma3", model: "google/gemma-3-27b-it", toolCalls: false, toolDefinitions: false, callContent: "", parse: true },
  { family: "mistral_nemo", model: "mistral-nemo", toolCalls: true, toolDefinitions: true, callContent: null, parse: true },
];

const TOOLS: ToolDefinition[] = [
  {
    type: "function",
    function: {
      name: "get_weather",
      description: "The weather in a city, today.",
      parameters: { type: "object", properties: { city: { type: "string", description: "The city's name" } } },
    },
  },
];

const TEXTS = ["What's the weather like in Paris?", "人工智能 is 🙂 fun, don't you think?", "Line one\nline two  ", '{ "json": [1, 2] }'];

/**
 * A system prompt, then rounds of a user question, a tool call (9-character ids, as Mistral
 * wants), its result and the answer (user and assistant alternating where a template has no
 * tool calls), every message distinct; `length` messages in all.
 */
function conversation(family: Family, length: number): ChatMessage[] {
  const messages: ChatMessage[] = [{ role: "system", content: "You are a helpful assistant. Answer briefly." }];
  for (let round = 0; messages.length < length; round++) {
    const text = TEXTS[round % TEXTS.length]!;
    messages.push({ role: "user", content: `${round}: ${text}` });
    if (family.toolCalls) {
      const id = `call${String(round).padStart(5, "0")}`;
      messages.push({
        role: "assistant",
        content: family.callContent,
        tool_calls: [{ id, type: "function", function: { name: "get_weather", arguments: JSON.stringify({ city: `Paris ${round}` }) } }],
      });
      messages.push({ role: "tool", content: `{"temperature": ${round % 30}, "sky": "clear"}`, tool_call_id: id });
    }
    messages.push({ role: "assistant", content: `Answer ${round}: ${text.toUpperCase()}` });
  }
  return messages.slice(0, length);
}

/** Messages as vLLM hands them to a template: `null` content as "", each call's arguments parsed where `parse`. */
const asVllm = (messages: ChatMessage[], parse: boolean) =>
  messages.map((m) => {
    const copy = { ...m, content: m.content ?? "" };
    if (!parse || !m.tool_calls) return copy;
    return {
      ...copy,
      tool_calls: m.tool_calls.map((c) => ({ ...c, function: { ...c.function, arguments: JSON.parse(c.function.arguments) } })),
    };
  });

/** The tests of `count-templated-long.test.ts` (`UNIT`) and `count-templated-long.integration.test.ts` (`FULL`). */
export function defineLongConversationTests(scale: TestScale): void {
  const families = scale.pick(
    FAMILIES,
    FAMILIES.filter(({ family }) => ["llama3_1", "qwen3", "mistral_nemo"].includes(family)),
  );
  const lengths = scale.pick([1, 63, 64, 65, 121, 300], [1, 64, 65]);

  describe.each(families.map((f) => [f.family, f] as const))("%s: conversations of any length", (_, family) => {
    let reference: Reference;
    beforeAll(() => {
      reference = loadReference(family.family);
    }, 300_000);

    /** The reference's token count of the first `upTo` messages rendered. */
    const expected = (messages: ChatMessage[], upTo: number, tools: ToolDefinition[] | undefined, addGenerationPrompt: boolean) =>
      reference.ids(
        reference.template.render({
          ...reference.tokens,
          date_string: serverDate(),
          messages: structuredClone(asVllm(messages.slice(0, upTo), family.parse)),
          tools: tools ? structuredClone(tools) : undefined,
          add_generation_prompt: addGenerationPrompt,
        }),
      ).length;

    it.each(lengths)("%i messages: the total and each sampled message's part as the reference renders them", (length) => {
      const messages = conversation(family, length);
      const tools = family.toolDefinitions && length > 1 ? TOOLS : undefined;
      const before = structuredClone(messages);
      const counted = countMessages(messages, { model: family.model, tools });
      expect(messages).toEqual(before);
      expect(counted).toMatchObject({ encoding: family.family, chatFormat: "template", approximate: false });
      expect(counted.perMessage).toHaveLength(length);
      expect(counted.total).toBe(expected(messages, length, tools, true));
      // the parts add up, and none is negative
      expect(counted.perMessage.reduce((a, b) => a + b, 0) + counted.tools + counted.replyPriming).toBe(counted.total);
      for (const part of [...counted.perMessage, counted.tools, counted.replyPriming]) expect(part).toBeGreaterThanOrEqual(0);
      // each part as defined (`MessageCount`): a message's growth of the rendered conversation, the tools' growth, the generation prompt
      const body = expected(messages, length, undefined, false);
      const withTools = tools ? expected(messages, length, tools, false) : body;
      expect(withTools).toBeGreaterThanOrEqual(body);
      expect(counted.tools).toBe(withTools - body);
      expect(counted.replyPriming).toBe(counted.total - withTools);
      for (const i of new Set([0, 1, 2, 3, 62, 63, 64, 65, 120, length - 2, length - 1].filter((i) => i >= 0 && i < length))) {
        const growth = expected(messages, i + 1, undefined, false) - (i === 0 ? 0 : expected(messages, i, undefined, false));
        expect(counted.perMessage[i], `message ${i}`).toBe(growth);
      }
    });
  });

  describe("llama3_1 with tools and a long custom role (the prompt gets shorter with the tools)", () => {
    let reference: Reference;
    beforeAll(() => {
      reference = loadReference("llama3_1");
    }, 300_000);

    const expected = (messages: ChatMessage[], tools: ToolDefinition[] | undefined, addGenerationPrompt: boolean) =>
      reference.ids(
        reference.template.render({
          ...reference.tokens,
          date_string: serverDate(),
          messages: structuredClone(messages),
          tools: tools ? structuredClone(tools) : undefined,
          add_generation_prompt: addGenerationPrompt,
        }),
      ).length;

    const role = "a_custom_role_whose_name_is_rather_long_".repeat(40);
    it.each([
      ["with a system prompt", true],
      ["without a system prompt", false],
    ])("%s: tools count 0 and the difference comes off the rewritten message", (_, system) => {
      const head: ChatMessage[] = system ? [{ role: "system", content: "You are terse." }] : [];
      const messages: ChatMessage[] = [
        ...head,
        { role, content: "  Hi there  " },
        { role: "assistant", content: "Hello." },
        { role: "user", content: "Weather in Paris?" },
      ];
      const counted = countMessages(messages, { model: "llama3.1:8b", tools: TOOLS });
      const body = expected(messages, undefined, false);
      const withTools = expected(messages, TOOLS, false);
      const deficit = body - withTools;
      expect(deficit).toBeGreaterThan(0);
      const k = head.length;
      const growth = (i: number) =>
        expected(messages.slice(0, i + 1), undefined, false) - (i === 0 ? 0 : expected(messages.slice(0, i), undefined, false));
      expect(counted).toMatchObject({ chatFormat: "template", approximate: false, tools: 0 });
      expect(counted.total).toBe(expected(messages, TOOLS, true));
      expect(counted.perMessage).toEqual(messages.map((_, i) => (i === k ? growth(i) - deficit : growth(i))));
      expect(counted.replyPriming).toBe(counted.total - withTools);
      expect(counted.perMessage.reduce((a, b) => a + b, 0) + counted.tools + counted.replyPriming).toBe(counted.total);
      for (const part of counted.perMessage) expect(part).toBeGreaterThan(0);
    });
  });
}
