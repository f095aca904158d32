// Counts a chat, a tool list and some Chinese text offline, for four models: `node examples/count-demo.mjs`.
import { countMessages, countTokens, resolveModel } from "@tokenledger/core";

const messages = [
  { role: "system", content: "You are a concise assistant." },
  { role: "user", content: "Summarise the plot of Hamlet in one sentence." },
  { role: "assistant", content: "A Danish prince avenges his father's murder and nearly everyone dies." },
  { role: "user", content: "再用中文说一遍。" },
];
const tools = [
  {
    type: "function",
    function: {
      name: "search_library",
      description: "Search the library catalogue",
      parameters: { type: "object", properties: { query: { type: "string", description: "What to look for" } } },
    },
  },
];

for (const model of ["gpt-4o", "gpt-4", "gpt-3.5-turbo-0301", "llama-3-70b"]) {
  const info = resolveModel(model);
  const count = countMessages(messages, { model, tools });
  const window = info.contextWindow
    ? `${((100 * count.total) / info.contextWindow).toFixed(3)}% of ${info.contextWindow}`
    : "window unknown";
  console.log(
    `${model.padEnd(20)} ${info.encoding.padEnd(12)} ${String(count.total).padStart(4)} tokens ` +
      `(messages ${count.perMessage.join("+")}, tools ${count.tools}, priming ${count.replyPriming})` +
      `${count.approximate ? " ~approximate" : ""}  ${window}`,
  );
}
for (const text of ["人工智能", "画蛇添足", "Artificial intelligence"]) {
  console.log(`${JSON.stringify(text).padEnd(26)} o200k_base ${countTokens(text)}  cl100k_base ${countTokens(text, { model: "gpt-4" })}`);
}
