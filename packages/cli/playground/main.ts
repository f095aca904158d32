import { DEFAULT_MODELS, EXAMPLES, MODELS } from "./examples.js";
import type { ModelResult } from "./worker.js";

const MAX_TOKENS_SHOWN = 4000;
const text = document.getElementById("text") as HTMLTextAreaElement;
const modelsBox = document.getElementById("models")!;
const results = document.getElementById("results")!;
const status = document.getElementById("status")!;
const worker = new Worker(new URL("./worker.js", import.meta.url), { type: "module" });
let latest = 0;

for (const model of MODELS) {
  const label = document.createElement("label");
  label.innerHTML = `<input type="checkbox" value="${model}" ${DEFAULT_MODELS.includes(model) ? "checked" : ""}> ${model}`;
  modelsBox.append(label);
}
for (const example of EXAMPLES) {
  const button = document.createElement("button");
  button.textContent = example.label;
  button.dataset.example = example.label;
  button.onclick = () => {
    text.value = example.text;
    request();
  };
  document.getElementById("examples")!.append(button);
}

const selected = () => [...modelsBox.querySelectorAll<HTMLInputElement>("input:checked")].map((input) => input.value);

let timer: ReturnType<typeof setTimeout> | undefined;
function request(): void {
  clearTimeout(timer);
  timer = setTimeout(() => {
    latest++;
    status.textContent = "counting…";
    worker.postMessage({ id: latest, text: text.value, models: selected(), maxTokensShown: MAX_TOKENS_SHOWN });
  }, 80);
}

worker.onmessage = (event: MessageEvent<{ id: number; results: ModelResult[] }>) => {
  if (event.data.id !== latest) return;
  results.replaceChildren(...event.data.results.map(panel));
  status.textContent = "";
  document.body.dataset.ready = String(event.data.id);
};

function panel(r: ModelResult): HTMLElement {
  const el = document.createElement("article");
  el.className = "panel";
  el.dataset.model = r.model;
  const use = r.contextWindow ? r.count / r.contextWindow : 0;
  const perToken = r.count ? (r.characters / r.count).toFixed(2) : "-";
  el.innerHTML = `<h2>${r.model} <small>${r.encoding}</small></h2>
    <p class="stats"><b class="count">${r.count}</b> tokens · ${perToken} characters per token${r.contextWindow ? ` · ${(use * 100).toFixed(2)}% of ${r.contextWindow.toLocaleString("en")}` : ""}${r.costUsd === undefined ? "" : ` · $${r.costUsd.toFixed(6)} as input`}</p>
    <div class="bar${use > 1 ? " over" : ""}"><div style="width:${Math.min(100, use * 100)}%"></div></div>`;
  if (r.chat) {
    const rows = r.chat.perMessage.map((m, i) => `<tr><td>${i + 1}</td><td>${m.role}</td><td>${m.tokens}</td></tr>`).join("");
    el.insertAdjacentHTML(
      "beforeend",
      `<table class="chat">${rows}<tr><td></td><td>tools</td><td>${r.chat.tools}</td></tr><tr><td></td><td>reply priming</td><td>${r.chat.replyPriming}</td></tr></table><p class="stats">Chat request${r.chat.approximate ? " (approximate)" : ""}; tokens of the raw text below.</p>`,
    );
  }
  const tokens = document.createElement("div");
  tokens.className = "tokens";
  for (const t of r.tokens) {
    const span = document.createElement("span");
    span.textContent = t.text;
    span.title = `id ${t.id}`;
    span.dataset.id = String(t.id);
    tokens.append(span);
  }
  if (r.chat === undefined && r.count > r.tokens.length) tokens.append(`… ${r.count - r.tokens.length} more tokens`);
  el.append(tokens);
  return el;
}

text.addEventListener("input", request);
modelsBox.addEventListener("change", request);
text.value = EXAMPLES[0]!.text;
request();
