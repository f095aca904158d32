import { countMessages, loadEncoding } from "@tokenledger/core";

await loadEncoding("mistral_nemo");
const model = "mistralai/Mistral-Nemo-Instruct-2407";
const cases = [
  [
    { role: "system", content: "You are a helpful assistant." },
    { role: "user", content: "Hi" },
    { role: "assistant", content: "Hello" },
    { role: "user", content: "How?" },
  ],
  [
    { role: "system", content: "You are a helpful assistant." },
    { role: "user", content: "Hi" },
    { role: "assistant", content: "Hello" },
    { role: "user", content: "How?" },
    { role: "assistant", content: "Fine" },
  ],
];
for (const c of cases) console.log(JSON.stringify(countMessages(c, { model })));
