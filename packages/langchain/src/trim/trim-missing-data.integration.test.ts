import { AIMessage, type BaseMessage, HumanMessage, SystemMessage, ToolMessage } from "@langchain/core/messages";
import { countMessages, loadEncoding, type ToolDefinition } from "@tokenledger/core";
import { countPromptTotal } from "@tokenledger/core/internal";
import { describe, expect, it } from "vitest";
import { toChatMessage } from "../counters/index.js";
import { OPEN_WEIGHT_MODELS } from "./reference-template.test-helper.js";
import { TrimError } from "./trim-error.js";
import { trimHistory } from "./trim-history.js";

/**
 * Every open-weight family trimmed while its tokenizer data is not loaded (core counts with the
 * fallback encoding and the plain rule; the trim budgets with the family's measured margin), for
 * each kind of text the margins were measured on, then checked, once the data is there, against
 * the real count: core's templated count, exact against @huggingface/tokenizers and the Python
 * rendered templates in core's own tests (loading the reference tokenizers here as well would
 * double this file's time). Never over the budget. Not loaded is the state of a fresh test file
 * before `loadEncoding` (the packages are installed in this repository).
 */
const FAMILIES = OPEN_WEIGHT_MODELS;

let seed = 30;
const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
const digits = (n: number) => Array.from({ length: n }, () => Math.floor(random() * 10)).join("");

const TEXTS: Record<string, (i: number) => string> = {
  English: (i) => `Message ${i}: the quick brown fox jumps over the lazy dog, and the context window decides what the model reads.`,
  Chinese: (i) => `第${i}条：人工智能正在改变世界，上下文窗口决定了模型一次能读多少文字。`,
  Hindi: () => "कृत्रिम बुद्धिमत्ता दुनिया को बदल रही है, और संदर्भ विंडो तय करती है कि मॉडल एक बार में कितना पाठ पढ़ सकता है।",
  code: (i) => `function f${i}(xs) {\n  return xs.map((y) => y * ${i}).filter(Boolean);\n}\n`,
  "digit-heavy": (i) =>
    `Order ${digits(8)} on 2024-0${(i % 9) + 1}-1${i % 10}: ${digits(3)} items at ${digits(4)}.${digits(2)}, ref ${digits(12)}`,
  "digits only": () => digits(40 + Math.floor(random() * 40)),
};

const TOOLS: ToolDefinition[] = [
  {
    type: "function",
    function: {
      name: "create_shipment",
      parameters: {
        type: "object",
        properties: {
          items: {
            type: "array",
            items: {
              type: "object",
              properties: { sku: { type: "string" }, qty: { type: "integer", minimum: 1 } },
              required: ["sku", "qty"],
            },
          },
          country: { type: "string", enum: ["US", "CA", "MX", "FR", "DE"] },
          insured: { type: "boolean", default: false },
        },
        required: ["items"],
      },
    },
  },
  { type: "function", function: { name: "now", description: "The current time.", parameters: { type: "object", properties: {} } } },
];

/** A system prompt, then user and assistant turns of one kind of text; with `toolCalls`, every fourth turn a tool call and its answer. */
function history(text: (i: number) => string, toolCalls: boolean): BaseMessage[] {
  const messages: BaseMessage[] = [new SystemMessage("You are a careful assistant.")];
  for (let i = 0; i < 48; i++) {
    if (i % 2 === 0) messages.push(new HumanMessage(text(i)));
    else if (toolCalls && i % 4 === 3) {
      const id = `c${String(i).padStart(8, "0")}`;
      messages.push(
        new AIMessage({
          content: "",
          tool_calls: [{ id, name: "create_shipment", args: { items: [{ sku: text(i).slice(0, 12), qty: i }] } }],
        }),
      );
      messages.push(new ToolMessage({ tool_call_id: id, content: text(i + 1) }));
      // Distinct texts: with tools, Mistral NeMo's template compares messages by value (core falls back on equal ones).
      messages.push(new AIMessage(text(i + 1_000)));
    } else messages.push(new AIMessage(text(i)));
  }
  return messages;
}

const CASES = [
  ...Object.entries(TEXTS).map(([kind, text]) => ({
    kind,
    messages: history(text, false),
    tools: undefined as ToolDefinition[] | undefined,
  })),
  { kind: "tool schemas and calls", messages: history(TEXTS.English!, true), tools: TOOLS },
  { kind: "digits in tool calls", messages: history(TEXTS["digit-heavy"]!, true), tools: TOOLS },
];
const BUDGETS = [400, 1_500, 6_000];
const OPTIONS = [{ strategy: "last" as const, includeSystem: true }, { strategy: "first" as const }, { allowPartial: true }];

describe("open-weight families trimmed without their tokenizer data", () => {
  it("are never over the budget by the real tokenizer and template, for every kind of text", async () => {
    const runs: Array<{ family: string; what: string; budget: number; kept: BaseMessage[]; tools: ToolDefinition[] | undefined }> = [];
    for (const [family, model] of FAMILIES) {
      expect(countMessages([], { model }).encoding, `${family} must not be loaded yet`).not.toBe(family);
      for (const { kind, messages, tools } of CASES) {
        for (const budget of BUDGETS) {
          for (const options of OPTIONS) {
            const what = `${family} ${kind} ${budget} ${JSON.stringify(options)}`;
            try {
              runs.push({ family, what, budget, tools, kept: trimHistory(messages, { model, maxTokens: budget, tools, ...options }) });
            } catch (error) {
              // Only a budget the tools and system prompt alone exceed (with the margin) may refuse.
              expect(error, what).toBeInstanceOf(TrimError);
              expect(budget, what).toBe(BUDGETS[0]);
            }
          }
        }
      }
    }
    const fill: Record<string, number[]> = {};
    for (const [family] of FAMILIES) {
      await loadEncoding(family as never);
      const model = FAMILIES.find(([f]) => f === family)![1];
      for (const { what, budget, kept, tools } of runs.filter((r) => r.family === family)) {
        // Llama 3.1+ writes the tools into the first user message: a result with none (the system
        // prompt alone) is counted with a user message added, as the caller sends it.
        const sent = tools && !kept.some((m) => m.getType() === "human") ? [...kept, new HumanMessage("")] : kept;
        const counted = countPromptTotal(
          sent.map((m) => toChatMessage(m)),
          { model, tools },
        );
        expect(counted, what).toMatchObject({ encoding: family, chatFormat: "template" });
        const real = counted.total;
        expect(real, what).toBeLessThanOrEqual(budget);
        if (budget >= 1_500) expect(kept.length, what).toBeGreaterThan(0);
        (fill[family] ??= []).push(real / budget);
      }
    }
    // How much of the budget the margins leave used (printed, not asserted: the price of no data).
    console.log(
      Object.entries(fill)
        .map(
          ([family, shares]) =>
            `${family}: ${(100 * Math.min(...shares)).toFixed(0)}-${(100 * Math.max(...shares)).toFixed(0)}% of the budget used`,
        )
        .join("\n"),
    );
  }, 600_000);
});
