import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import type { OpenWeightEncodingName } from "../encoder/index.js";
import { loadReference, type Reference } from "../open-weight/reference-tokenizer.test-helper.js";
import type { TestScale } from "../test-scale.test-helper.js";
import type { ChatMessage, ToolDefinition } from "./chat-types.js";
import { countMessages } from "./count-messages.js";
import { countPromptAndContext, countPromptTotal } from "./count-prompt-total.js";
import { countTokens } from "./count-tokens.js";

/** The tests of `count-templated.test.ts` (`UNIT`) and `count-templated.integration.test.ts` (`FULL`). */
export function defineCountTemplatedTests(scale: TestScale): void {
  /**
   * Today as a Python server's `strftime_now("%d %b %Y")` writes it (C locale), for Llama 3.1+'s
   * "Today Date" (passed as `date_string`, which the template takes before calling `strftime_now`;
   * @huggingface/jinja does not let a caller replace its own `strftime_now`).
   */
  const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  const serverDate = () => {
    const now = new Date();
    return `${String(now.getDate()).padStart(2, "0")} ${MONTHS[now.getMonth()]} ${now.getFullYear()}`;
  };

  /** Each conversation counts by the plain rule, flagged approximate, above zero, and is left as it was. */
  function expectPlainFallback(cases: ChatMessage[][], model: string): void {
    for (const messages of cases) {
      const before = structuredClone(messages);
      const counted = countMessages(messages, { model });
      expect(counted).toMatchObject({ chatFormat: "plain", approximate: true });
      expect(counted.total).toBeGreaterThan(0);
      expect(messages).toEqual(before);
    }
  }

  /** The model names these tests count for, one per family. */
  const FAMILIES: Array<[OpenWeightEncodingName, string]> = [
    ["llama3", "meta-llama/Meta-Llama-3-8B-Instruct"],
    ["llama3_1", "meta-llama/Llama-3.1-8B-Instruct"],
    ["qwen3", "Qwen/Qwen3-32B"],
    ["deepseek_v3", "deepseek-r1"],
    ["gemma3", "google/gemma-3-27b-it"],
    ["mistral_nemo", "mistralai/Mistral-Nemo-Instruct-2407"],
  ];

  const text = fc.oneof(
    fc.string({ unit: "grapheme", maxLength: 40 }),
    fc.string({
      unit: fc.constantFrom(
        "Hello",
        " world",
        "\n",
        "  ",
        "don't",
        "人工智能",
        "🙂",
        "<|eot_id|>",
        "<|python_tag|>",
        "<|eom_id|>",
        "<|im_end|>",
        "<end_of_turn>",
        "[INST]",
        "[/INST]",
        "[TOOL_CALLS]",
        "</s>",
        "{",
        "}",
        "?",
      ),
      maxLength: 12,
    }),
  );

  /** A system prompt or not, then user and assistant turns alternating (Gemma's and Mistral's templates require it), user first. */
  const conversation = fc
    .record({
      system: fc.option(text, { nil: undefined }),
      turns: fc.array(text, { minLength: 1, maxLength: 7 }),
    })
    .map(({ system, turns }) => {
      const head: ChatMessage[] = system === undefined ? [] : [{ role: "system", content: system }];
      return [...head, ...turns.map((content, i): ChatMessage => ({ role: i % 2 === 0 ? "user" : "assistant", content }))];
    });

  const tool = fc
    .record({
      name: fc.stringMatching(/^[a-z_]{1,12}$/),
      description: text,
      property: fc.stringMatching(/^[a-z]{1,8}$/),
      type: fc.constantFrom("string", "number", "boolean"),
    })
    .map(
      ({ name, description, property, type }): ToolDefinition => ({
        type: "function",
        function: { name, description, parameters: { type: "object", properties: { [property]: { type, description: "a value" } } } },
      }),
    );

  /** No two messages equal (the tests build every message with its keys in one order). */
  const allDistinct = (messages: ChatMessage[]) => new Set(messages.map((m) => JSON.stringify(m))).size === messages.length;

  // The unit part: the families the other blocks load too (Llama 3.1+, Qwen, Mistral NeMo).
  describe.each(
    scale.pick(
      FAMILIES,
      FAMILIES.filter(([family]) => ["llama3_1", "qwen3", "mistral_nemo"].includes(family)),
    ),
  )("%s chat template (%s)", (family, model) => {
    // The reference: the config's template rendered by @huggingface/jinja with the variables a
    // server passes, encoded by @huggingface/tokenizers (special tokens as special, no BOS added).
    let reference: Reference;
    const ids = (rendered: string) => reference.ids(rendered);
    const expected = (messages: ChatMessage[], tools?: ToolDefinition[]) =>
      ids(
        reference.template.render({
          ...reference.tokens,
          date_string: serverDate(),
          messages: structuredClone(messages),
          tools: tools && tools.length > 0 ? structuredClone(tools) : undefined,
          add_generation_prompt: true,
        }),
      ).length;

    beforeAll(() => {
      reference = loadReference(family);
    }, 300_000);

    it("counts random conversations, system prompts included, as the rendered template", () => {
      fc.assert(
        fc.property(conversation, (messages) => {
          const counted = countMessages(messages, { model });
          expect(counted.chatFormat).toBe("template");
          expect(counted.encoding).toBe(family);
          expect(counted.total).toBe(expected(messages));
        }),
        { numRuns: scale.runs(150) },
      );
    });

    it("splits the total into messages, tools and the generation prompt", () => {
      fc.assert(
        fc.property(conversation, fc.array(tool, { maxLength: 2 }), (messages, tools) => {
          // Equal messages with tools fall back to plain for Mistral NeMo (see below), whose parts need not sum.
          fc.pre(family !== "mistral_nemo" || tools.length === 0 || allDistinct(messages));
          const counted = countMessages(messages, { model, tools });
          expect(counted.perMessage).toHaveLength(messages.length);
          expect(counted.perMessage.reduce((a, b) => a + b, 0) + counted.tools + counted.replyPriming).toBe(counted.total);
          for (const part of [...counted.perMessage, counted.tools, counted.replyPriming]) expect(part).toBeGreaterThanOrEqual(0);
        }),
        { numRuns: scale.runs(60) },
      );
    });

    it("counts tools where the template renders them", () => {
      fc.assert(
        fc.property(conversation, fc.array(tool, { minLength: 1, maxLength: 3 }), (messages, tools) => {
          // Mistral NeMo's template with tools compares messages by value, which the reference cannot (see below).
          fc.pre(family !== "mistral_nemo" || allDistinct(messages));
          expect(countMessages(messages, { model, tools }).total).toBe(expected(messages, tools));
        }),
        { numRuns: scale.runs(60) },
      );
    });

    it("never gives a message a negative part: a reply that takes Mistral NeMo's system prompt out of the last user turn adds 0", () => {
      const messages: ChatMessage[] = [
        { role: "system", content: "You are a helpful assistant." },
        { role: "user", content: "Hi" },
        { role: "assistant", content: "Hello" },
        { role: "user", content: "How?" },
        { role: "assistant", content: "Fine" },
      ];
      for (let n = 1; n <= messages.length; n++) {
        const counted = countMessages(messages.slice(0, n), { model });
        expect(counted.total).toBe(expected(messages.slice(0, n)));
        expect(Math.min(...counted.perMessage)).toBeGreaterThanOrEqual(0);
        expect(counted.perMessage.reduce((a, b) => a + b, 0) + counted.tools + counted.replyPriming).toBe(counted.total);
      }
    });

    // Mistral NeMo alone: its template requires 9-character tool-call ids.
    if (family === "mistral_nemo")
      it("counts a tool-call id longer than 9 characters as its last 9, as vLLM sends it; a shorter one falls back, flagged", () => {
        const withIds = (callId: string, answerId: string): ChatMessage[] => [
          { role: "user", content: "Weather in Paris?" },
          {
            role: "assistant",
            content: "",
            tool_calls: [{ id: callId, type: "function", function: { name: "weather", arguments: '{"city":"Paris"}' } }],
          },
          { role: "tool", tool_call_id: answerId, content: "sunny" },
        ];
        const long = withIds("call_Xy12ab34CD56ef78", "call_Xy12ab34CD56ef78");
        const counted = countMessages(long, { model });
        expect(counted).toMatchObject({ chatFormat: "template", approximate: false });
        expect(counted.total).toBe(expected(asVllm(withIds("4CD56ef78", "4CD56ef78")) as ChatMessage[]));
        expect(countPromptTotal(long, { model }).total).toBe(counted.total);
        expect(long[1]!.tool_calls![0]!.id).toBe("call_Xy12ab34CD56ef78");
        expect(countMessages(withIds("c1", "c1"), { model })).toMatchObject({ chatFormat: "plain", approximate: true });
      });

    it("countPromptTotal is countMessages' total, flags and all, with or without tools", () => {
      fc.assert(
        fc.property(conversation, fc.array(tool, { maxLength: 2 }), (messages, tools) => {
          const { total, encoding, chatFormat, approximate } = countMessages(messages, { model, tools });
          expect(countPromptTotal(messages, { model, tools })).toEqual({ total, encoding, chatFormat, approximate });
        }),
        { numRuns: scale.runs(60) },
      );
    });

    it("countPromptAndContext is countPromptTotal, and the first messages as the reference renders them alone", () => {
      const renderedAlone = (messages: ChatMessage[]) => {
        try {
          const text = reference.template.render({ ...reference.tokens, date_string: serverDate(), messages: structuredClone(messages) });
          return ids(text).length;
        } catch {
          return undefined;
        }
      };
      fc.assert(
        fc.property(conversation, fc.array(tool, { maxLength: 2 }), fc.nat(), (messages, tools, cut) => {
          const contextEnd = cut % (messages.length + 1);
          const counted = countPromptAndContext(messages, contextEnd, { model, tools });
          const { context, ...total } = counted;
          expect(total).toEqual(countPromptTotal(messages, { model, tools }));
          const alone = contextEnd === 0 ? 0 : renderedAlone(messages.slice(0, contextEnd));
          const parts = countMessages(messages, { model, tools }).perMessage.slice(0, contextEnd);
          // Rendered alone when the template takes the whole prompt and those messages; else the parts' sum.
          expect(context).toBe(counted.chatFormat === "template" && alone !== undefined ? alone : parts.reduce((a, b) => a + b, 0));
        }),
        { numRuns: scale.runs(60) },
      );
    });

    it("counts text with the family's tokenizer", () => {
      fc.assert(
        fc.property(text, (t) => {
          expect(countTokens(t, { model })).toBe(ids(t).length);
        }),
        { numRuns: scale.runs(100) },
      );
    });
  });

  // Loads Gemma's 33 MB vocabulary: defined in the integration part only (the unit part meets a template that raises in mistral_nemo's tests).
  if (scale.full) {
    describe("open-weight models whose template cannot render", () => {
      it("fall back to the plain rule, flagged approximate, and never throw", () => {
        loadReference("gemma3");
        const counted = countMessages(
          [
            { role: "user", content: "a" },
            { role: "user", content: "b" },
          ],
          { model: "gemma-3-4b-it" },
        );
        expect(counted.chatFormat).toBe("plain");
        expect(counted.approximate).toBe(true);
        expect(counted.total).toBeGreaterThan(0);
      }, 300_000);
    });
  }

  /**
   * Messages as vLLM hands them to a template: `null` content as "" (it joins no text parts) and,
   * where `parse`, each assistant tool call's `arguments` JSON parsed (its `_postprocess_messages`).
   */
  const asVllm = (messages: ChatMessage[], parse = true) =>
    messages.map((m) => {
      const copy = { ...m, content: m.content ?? "" };
      if (!parse || !m.tool_calls) return copy;
      return {
        ...copy,
        tool_calls: m.tool_calls.map((c) => ({ ...c, function: { ...c.function, arguments: JSON.parse(c.function.arguments) } })),
      };
    });

  /** Random tool-call arguments, as a model writes them: a JSON object of strings, numbers, booleans and lists. */
  const callArguments = fc
    .dictionary(fc.stringMatching(/^[a-z_]{1,8}$/), fc.oneof(text, fc.integer(), fc.boolean(), fc.array(text, { maxLength: 2 })), {
      maxKeys: 3,
    })
    .map((args) => JSON.stringify(args));

  // DeepSeek V3's template concatenates the arguments as text: vLLM's parsed dict cannot render there, so they stay a string.
  describe.each([
    ["qwen3", "qwen3-32b", "", true],
    ["deepseek_v3", "deepseek-chat", null, false],
    ["llama3_1", "llama3.1:8b", "", true],
  ] as const)("%s chat template with tool calls and results", (family, model, callContent, parse) => {
    let reference: Reference;

    beforeAll(() => {
      reference = loadReference(family);
    }, 300_000);

    it("counts assistant tool calls and tool results as the rendered template", () => {
      const call = fc.record({ name: fc.stringMatching(/^[a-z_]{1,10}$/), args: callArguments });
      fc.assert(
        fc.property(text, call, text, text, (question, { name, args }, result, followUp) => {
          const messages: ChatMessage[] = [
            { role: "user", content: question },
            {
              role: "assistant",
              content: callContent,
              tool_calls: [{ id: "call_1", type: "function", function: { name, arguments: args } }],
            },
            { role: "tool", content: result, tool_call_id: "call_1" },
            { role: "user", content: followUp },
          ];
          const rendered = reference.template.render({
            ...reference.tokens,
            messages: structuredClone(asVllm(messages, parse)),
            add_generation_prompt: true,
            date_string: serverDate(),
          });
          const expected = reference.ids(rendered).length;
          expect(countMessages(messages, { model }).total).toBe(expected);
        }),
        { numRuns: scale.runs(60) },
      );
    });
  });

  describe("llama3_1 (Llama 3.1, 3.2, 3.3) with a system prompt, tools and a tool call", () => {
    let reference: Reference;

    beforeAll(() => {
      reference = loadReference("llama3_1");
    }, 300_000);

    it("counts random conversations as vLLM renders and encodes them", () => {
      const models = fc.constantFrom("llama-3.3-70b-versatile", "meta-llama/Llama-3.2-3B-Instruct", "meta.llama3-1-70b-instruct-v1:0");
      fc.assert(
        fc.property(
          models,
          fc.option(text, { nil: undefined }),
          conversation,
          fc.array(tool, { minLength: 1, maxLength: 3 }),
          fc.stringMatching(/^[a-z_]{1,10}$/),
          callArguments,
          text,
          (model, system, turns, tools, name, args, result) => {
            const head: ChatMessage[] = system === undefined ? [] : [{ role: "system", content: system }];
            const body = turns.filter((m) => m.role !== "system");
            const messages: ChatMessage[] = [
              ...head,
              ...body,
              { role: "assistant", content: null, tool_calls: [{ id: "c1", type: "function", function: { name, arguments: args } }] },
              { role: "tool", content: result, tool_call_id: "c1" },
            ];
            const rendered = reference.template.render({
              ...reference.tokens,
              messages: structuredClone(asVllm(messages)),
              tools: structuredClone(tools),
              add_generation_prompt: true,
              date_string: serverDate(),
            });
            const counted = countMessages(messages, { model, tools });
            expect(counted.encoding).toBe("llama3_1");
            expect(counted.approximate).toBe(false);
            expect(counted.total).toBe(reference.ids(rendered).length);
          },
        ),
        { numRuns: scale.runs(80) },
      );
    });
  });

  describe("tool calls a server would refuse", () => {
    it("fall back to the plain rule, flagged approximate, never throw and leave the messages as they were", () => {
      loadReference("llama3_1");
      const call = (args: string) => ({ id: "c", type: "function" as const, function: { name: "f", arguments: args } });
      const cases: ChatMessage[][] = [
        [
          { role: "user", content: "Hi" },
          { role: "assistant", content: null, tool_calls: [call("not json {")] },
        ],
        // Llama 3.1+'s template raises on two calls in one message, as vLLM answers 400.
        [
          { role: "user", content: "Hi" },
          { role: "assistant", content: null, tool_calls: [call("{}"), call("{}")] },
        ],
      ];
      expectPlainFallback(cases, "llama3.1:8b");
      // Empty arguments are {} and null tool_calls are no calls, as vLLM reads them: exact.
      expect(countMessages([{ role: "assistant", content: null, tool_calls: [call("")] }], { model: "llama3.1:8b" })).toMatchObject({
        chatFormat: "template",
        approximate: false,
      });
    }, 300_000);
  });

  describe("mistral_nemo (Mistral NeMo) with a system prompt, tools, tool calls and results", () => {
    let reference: Reference;

    beforeAll(() => {
      reference = loadReference("mistral_nemo");
    }, 300_000);

    /** Mistral's template wants 9-character call ids; vLLM parses each call's arguments before rendering. */
    const callId = fc.stringMatching(/^[A-Za-z0-9]{9}$/);

    it("counts random conversations as vLLM renders and encodes them", () => {
      const models = fc.constantFrom("mistral-nemo", "open-mistral-nemo-2407", "mistral-nemo:12b", "mistralai/Mistral-Nemo-Instruct-2407");
      fc.assert(
        fc.property(
          models,
          conversation,
          fc.option(fc.array(tool, { minLength: 1, maxLength: 3 }), { nil: undefined }),
          fc.array(fc.record({ id: callId, name: fc.stringMatching(/^[a-z_]{1,10}$/), args: callArguments, result: text }), {
            maxLength: 2,
          }),
          (model, turns, tools, calls) => {
            // A tool round (calls, then their results) after a user turn, and the user speaks last.
            const messages: ChatMessage[] = [...turns];
            if (messages[messages.length - 1]!.role === "assistant") messages.push({ role: "user", content: "go on" });
            if (calls.length > 0) {
              messages.push({
                role: "assistant",
                content: null,
                tool_calls: calls.map(({ id, name, args }) => ({ id, type: "function", function: { name, arguments: args } })),
              });
              for (const { id, result } of calls) messages.push({ role: "tool", content: result, tool_call_id: id });
            }
            fc.pre(tools === undefined || allDistinct(messages));
            const rendered = reference.template.render({
              ...reference.tokens,
              messages: structuredClone(asVllm(messages)),
              tools: tools ? structuredClone(tools) : undefined,
              add_generation_prompt: true,
            });
            const counted = countMessages(messages, { model, tools });
            expect(counted).toMatchObject({ encoding: "mistral_nemo", chatFormat: "template", approximate: false });
            expect(counted.total).toBe(reference.ids(rendered).length);
          },
        ),
        { numRuns: scale.runs(100) },
      );
    });

    // Python's Jinja (vLLM) raises on each: roles that do not alternate, call ids that are not 9 characters
    // (@huggingface/jinja alone would render the first two; see asPythonJinja).
    it("falls back to the plain rule, flagged, for conversations the template refuses", () => {
      const call = (id: string) => ({ id, type: "function" as const, function: { name: "f", arguments: "{}" } });
      const cases: ChatMessage[][] = [
        [
          { role: "user", content: "a" },
          { role: "user", content: "b" },
        ],
        [
          { role: "system", content: "s" },
          { role: "assistant", content: "a" },
        ],
        [
          { role: "user", content: "Hi" },
          { role: "assistant", content: null, tool_calls: [call("call_1")] },
        ],
        [
          { role: "user", content: "Hi" },
          { role: "assistant", content: null, tool_calls: [call("abcdefghi")] },
          { role: "tool", content: "r", tool_call_id: "c1" },
        ],
      ];
      expectPlainFallback(cases, "mistral-nemo");
    });

    // Python compares messages by value: an earlier user message equal to the last gets the tools
    // too, so Python renders [AVAILABLE_TOOLS] twice here (@huggingface/jinja, by identity, once).
    it("falls back, flagged, when tools meet a user message equal to the last one, and is exact without tools", () => {
      const tools = [{ type: "function" as const, function: { name: "f", description: "d", parameters: { type: "object" } } }];
      const messages: ChatMessage[] = [
        { role: "user", content: "yes" },
        { role: "assistant", content: "ok" },
        { content: "yes", role: "user" },
      ];
      const before = structuredClone(messages);
      expect(countMessages(messages, { model: "mistral-nemo", tools })).toMatchObject({ chatFormat: "plain", approximate: true });
      expect(messages).toEqual(before);
      const plain = countMessages(messages, { model: "mistral-nemo" });
      expect(plain).toMatchObject({ chatFormat: "template", approximate: false });
      expect(plain.total).toBe(
        reference.ids(reference.template.render({ ...reference.tokens, messages: structuredClone(messages) })).length,
      );
      // a distinct user message keeps the tools exact
      const distinct = [...messages.slice(0, 2), { role: "user" as const, content: "yes!" }];
      const rendered = reference.template.render({
        ...reference.tokens,
        messages: structuredClone(distinct),
        tools: structuredClone(tools),
      });
      expect(countMessages(distinct, { model: "mistral-nemo", tools })).toMatchObject({
        approximate: false,
        total: reference.ids(rendered).length,
      });
    });
  });
}
