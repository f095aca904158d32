// How far an open-weight model's real prompt count (its tokenizer and chat template) can exceed
// the count made without its data (the fallback encoding, o200k_base, and the plain rule): the
// measurement behind APPROXIMATE_MARGINS in packages/langchain/src/counters/approximate-margin.ts.
// Not part of `pnpm bench`: `node approximate-margins.mjs` prints, per family and kind of text,
// the worst ratio of real to fallback tokens (contents, lines of 16 tokens or more), the template's framing per message, and
// the tool definitions' ratio.
import { countMessages, countTokens, loadEncoding, registerModel } from "@tokenledger/core";
import { loadCorpora } from "./corpora.mjs";

const FAMILIES = [
  ["llama3", "meta-llama/Meta-Llama-3-8B-Instruct"],
  ["llama3_1", "meta-llama/Llama-3.1-8B-Instruct"],
  ["qwen3", "Qwen/Qwen3-32B"],
  ["deepseek_v3", "deepseek-r1"],
  ["gemma3", "google/gemma-3-27b-it"],
  ["mistral_nemo", "mistralai/Mistral-Nemo-Instruct-2407"],
];
registerModel({ match: "fallback-plain", encoding: "o200k_base", chatFormat: "plain" });
const fallback = (messages, tools) => countMessages(messages, { model: "fallback-plain", tools });

const corpora = loadCorpora();
const lines = (text, n, from = 0) =>
  text
    .split("\n")
    .filter((l) => l.trim())
    .slice(from, from + n);
let seed = 30;
const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
const digits = (n) => Array.from({ length: n }, () => Math.floor(random() * 10)).join("");
const KINDS = {
  English: lines(corpora.english, 400),
  Chinese: lines(corpora.chinese, 400),
  Japanese: lines(corpora.texts["Japanese prose"], 200),
  Korean: lines(corpora.texts["Korean prose"], 200),
  Russian: lines(corpora.texts["Russian prose"], 200),
  Arabic: lines(corpora.texts["Arabic script"], 200),
  Devanagari: lines(corpora.texts.Devanagari, 200),
  code: lines(corpora.texts["source code"], 400, 1000),
  JSON: lines(corpora.texts.JSON, 400),
  "digit-heavy": Array.from(
    { length: 200 },
    (_, i) => `Order ${digits(8)} on 2024-0${(i % 9) + 1}-1${i % 10}: ${digits(3)} items at ${digits(4)}.${digits(2)}, ref ${digits(12)}`,
  ),
  "digits only": Array.from({ length: 200 }, () => digits(20 + Math.floor(random() * 60))),
};
const TOOLS = [
  {
    type: "function",
    function: {
      name: "search_orders",
      description: "Search the order database by customer, date range and status.",
      parameters: {
        type: "object",
        properties: {
          customer_id: { type: "string", description: "The customer's id, e.g. C-10293." },
          from: { type: "string", description: "First day, ISO 8601." },
          to: { type: "string", description: "Last day, ISO 8601." },
          status: { type: "string", enum: ["open", "shipped", "cancelled"], description: "Order status." },
          limit: { type: "integer", description: "At most this many results." },
        },
        required: ["customer_id"],
      },
    },
  },
  { type: "function", function: { name: "now", description: "The current time.", parameters: { type: "object", properties: {} } } },
];
/** Structure rather than text: nested objects, arrays, enums, numbers, no descriptions. */
const NESTED_TOOLS = [
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
              properties: { sku: { type: "string" }, qty: { type: "integer", minimum: 1, maximum: 999 } },
              required: ["sku", "qty"],
            },
          },
          address: {
            type: "object",
            properties: {
              line1: { type: "string" },
              zip: { type: "string", pattern: "^[0-9]{5}$" },
              country: { type: "string", enum: ["US", "CA", "MX", "FR", "DE"] },
            },
          },
          priority: { type: "number", enum: [1, 2, 3] },
          insured: { type: "boolean", default: false },
        },
        required: ["items", "address"],
      },
    },
  },
];

const rows = [];
for (const [family, model] of FAMILIES) {
  await loadEncoding(family);
  const row = { family };
  // Contents: each text as one user message against its plain count; the framing is taken out
  // by counting "x" the same way (its real count less its fallback count).
  const one = (content) => countMessages([{ role: "user", content }], { model }).total - fallback([{ role: "user", content }]).total;
  const frameUser = one("x");
  for (const [kind, texts] of Object.entries(KINDS)) {
    // The worst line of at least 16 fallback tokens (shorter ones are held by the per-message slack).
    let worst = 0;
    for (const text of texts) {
      const base = fallback([{ role: "user", content: text }]).total;
      const real = countMessages([{ role: "user", content: text }], { model }).total - (frameUser + 1);
      if (base >= 16) worst = Math.max(worst, real / base);
    }
    row[kind] = worst;
  }
  // Framing per message: a long alternating history of one-token turns, real less fallback, per message.
  const history = Array.from({ length: 64 }, (_, i) => ({ role: i % 2 ? "assistant" : "user", content: "x" }));
  row.fixed = countMessages([{ role: "user", content: "x" }], { model }).total - 1;
  row.perMessage = (countMessages(history, { model }).total - row.fixed - fallback(history).total) / (history.length - 1);
  // Tool calls and answers: framing beyond their plain count (name, arguments, id, content).
  const calls = [
    { role: "user", content: "Find orders." },
    {
      role: "assistant",
      content: "",
      tool_calls: [
        { id: "a1b2c3d4e", type: "function", function: { name: "search_orders", arguments: '{"customer_id":"C-10293","limit":5}' } },
      ],
    },
    { role: "tool", tool_call_id: "a1b2c3d4e", content: '[{"id":"O-1","status":"open"}]' },
  ];
  row.toolCall = (countMessages(calls, { model }).total - fallback(calls).total - row.fixed) / 2;
  for (const [name, tools] of [
    ["tools", TOOLS],
    ["nested tools", NESTED_TOOLS],
  ]) {
    const plainTools = fallback([], tools).tools;
    const x = [{ role: "user", content: "x" }];
    const realTools = countMessages(x, { model, tools }).total - countMessages(x, { model }).total;
    const json = countTokens(JSON.stringify(tools), { model: "gpt-4o" });
    row[name] = `${realTools}/${plainTools} = ${(realTools / plainTools).toFixed(2)}; JSON ${json}: ${(realTools / json).toFixed(2)}`;
  }
  rows.push(row);
}
const keys = Object.keys(rows[0]);
console.log(`| ${keys.join(" | ")} |`);
console.log(`| ${keys.map(() => "---").join(" | ")} |`);
for (const row of rows) console.log(`| ${keys.map((k) => (typeof row[k] === "number" ? row[k].toFixed(2) : row[k])).join(" | ")} |`);
