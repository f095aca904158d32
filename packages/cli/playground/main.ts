import { DEFAULT_MODELS, EXAMPLES, MODELS } from "./examples.js";
import type { CountReply, ModelResult } from "./worker.js";

const MAX_TOKENS_SHOWN = 4000;
const text = document.getElementById("text") as HTMLTextAreaElement;
const modelsBox = document.getElementById("models")!;
const results = document.getElementById("results")!;
const status = document.getElementById("status")!;
const worker = new Worker(new URL("./worker.js", import.meta.url), { type: "module" });
let latest = 0;

/** An element with text children only: nothing the user typed is ever parsed as HTML. */
function h(tag: string, props: Partial<HTMLElement> & Record<string, unknown> = {}, ...children: Array<Node | string>): HTMLElement {
  const el = Object.assign(document.createElement(tag), props);
  el.append(...children);
  return el;
}

for (const model of MODELS) {
  const box = h("input", { type: "checkbox", value: model, checked: DEFAULT_MODELS.includes(model) });
  modelsBox.append(h("label", {}, box, ` ${model}`));
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

worker.onmessage = (event: MessageEvent<CountReply>) => {
  if (event.data.id !== latest) return;
  if ("error" in event.data) {
    status.textContent = `Could not count: ${event.data.error}`;
  } else {
    results.replaceChildren(...event.data.results.map(panel));
    status.textContent = "";
  }
  document.body.dataset.ready = String(event.data.id);
};
// A worker that failed to load or crashed answers nothing: say so instead of "counting…" forever.
worker.onerror = (event) => {
  event.preventDefault();
  status.textContent = `Could not count: ${event.message || "the counting worker failed to start"}`;
  document.body.dataset.ready = `error-${latest}`;
};

function panel(r: ModelResult): HTMLElement {
  const el = document.createElement("article");
  el.className = "panel";
  el.dataset.model = r.model;
  const use = r.contextWindow ? r.count / r.contextWindow : 0;
  const perToken = r.count ? (r.characters / r.count).toFixed(2) : "-";
  const share = r.contextWindow ? ` · ${(use * 100).toFixed(2)}% of ${r.contextWindow.toLocaleString("en")}` : "";
  const cost = r.costUsd === undefined ? "" : ` · $${r.costUsd.toFixed(6)} as input`;
  const fill = h("div");
  fill.style.width = `${Math.min(100, use * 100)}%`;
  el.append(
    h("h2", {}, `${r.model} `, h("small", {}, r.encoding)),
    h(
      "p",
      { className: "stats" },
      h("b", { className: "count" }, String(r.count)),
      ` tokens · ${perToken} characters per token${share}${cost}`,
    ),
    h("div", { className: use > 1 ? "bar over" : "bar" }, fill),
  );
  if (r.chat) {
    const row = (...cells: string[]) => h("tr", {}, ...cells.map((cell) => h("td", {}, cell)));
    el.append(
      h(
        "table",
        { className: "chat" },
        ...r.chat.perMessage.map((m, i) => row(String(i + 1), m.role, String(m.tokens))),
        row("", "tools", String(r.chat.tools)),
        row("", "reply priming", String(r.chat.replyPriming)),
      ),
      h("p", { className: "stats" }, `Chat request${r.chat.approximate ? " (approximate)" : ""}; tokens of the raw text below.`),
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
