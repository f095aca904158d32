// TokenCalibration by kind of text. The "provider" is Llama 3 (3.0)'s chat template and tokenizer, as
// tokenledger counts a Llama 3 model (the same count as the Anthropic-compatible test server's for
// `claude-*`); the client counts `claude-sonnet-4-5` with its plain rule (o200k_base), knowing nothing
// of Llama 3. The same traffic goes to a calibration fed each call's prompt (fitted by kind of
// text, per message and per prompt), one fed bare numbers (no kinds), and, in the chat, the rule
// TokenCalibration followed before (the largest ratio seen).
// 1. A 100-turn chat (window 1,500, 100 for the answer): English, then Chinese, then source code,
//    trimmed by trimHistory with the calibration: refusals and the fill of the input budget per phase,
//    once the phase has settled (12 turns in, the history over the budget).
// 2. Mixed traffic of every kind of text the corpora have, in turn: the error of our raw count and of
//    the calibrated estimate made before each call, per kind, and how often the provider's count went
//    past the estimate's upper bound.
// `node calibration.mjs` runs it alone, printing only; `pnpm bench` puts it in RESULTS.md.
import { pathToFileURL } from "node:url";
import { AIMessage, HumanMessage, SystemMessage } from "@langchain/core/messages";
import { countMessages, loadEncoding } from "@tokenledger/core";
import { TokenCalibration, trimHistory } from "@tokenledger/langchain";
import { loadCorpora } from "./corpora.mjs";

const CLIENT = "claude-sonnet-4-5";
const PROVIDER = "llama3-70b-8192";
const WINDOW = 1_500;
const MAX_OUTPUT = 100;
const INPUT_BUDGET = WINDOW - MAX_OUTPUT;
const TURNS = 100;
const SETTLE = 12;
const MIN_FILL = 0.85;
const SYSTEM = "You are a concise assistant. Answer in the user's language.";

const roleOf = (m) => (m instanceof SystemMessage ? "system" : m instanceof HumanMessage ? "user" : "assistant");
const chatOf = (messages) => messages.map((m) => ({ role: roleOf(m), content: String(m.content) }));
const ours = (messages) => countMessages(chatOf(messages), { model: CLIENT }).total;
const provider = (messages) => countMessages(chatOf(messages), { model: PROVIDER }).total;
const percent = (x) => (Number.isFinite(x) ? `${(100 * x).toFixed(1)}%` : "n/a");
const table = (rows) =>
  [
    `| ${rows[0].join(" | ")} |`,
    `| ${rows[0].map((_, i) => (i === 0 ? "---" : "---:")).join(" | ")} |`,
    ...rows.slice(1).map((r) => `| ${r.join(" | ")} |`),
  ].join("\n");

/** Pieces of a corpus of about `chars` characters each, cut at line ends, each used once. */
function pieces(text, chars) {
  const out = [];
  let current = "";
  for (const line of text.split("\n")) {
    const trimmed = line.trim().slice(0, chars);
    if (!trimmed) continue;
    current = current ? `${current}\n${trimmed}` : trimmed;
    if (current.length >= chars) {
      out.push(current);
      current = "";
    }
  }
  return out;
}

/** An endless supply of a corpus's pieces. */
const cycle = (list) => {
  let i = 0;
  return () => list[i++ % list.length];
};

/** The chat's turns: a user piece and an answer piece of the phase's text. */
function phases(corpora) {
  const sizes = { english: [100, 200], chinese: [30, 70], code: [80, 160] };
  const text = { english: corpora.texts["English prose"], chinese: corpora.texts["Chinese prose"], code: corpora.texts["source code"] };
  return Object.fromEntries(
    Object.entries(sizes).map(([phase, [ask, answer]]) => [
      phase,
      { ask: cycle(pieces(text[phase], ask)), answer: cycle(pieces(text[phase], answer).slice(500)) },
    ]),
  );
}

/**
 * The rule TokenCalibration followed before it fitted kinds of text, for comparison: the larger of
 * the largest ratio (reported / ours) of the last 50 calls and their mean + 3 standard deviations,
 * 1.25 until 3 calls were seen.
 */
function previousRule() {
  const ratios = [];
  return {
    observe: (_model, estimated, reported) => {
      ratios.push(reported / estimated);
      if (ratios.length > 50) ratios.shift();
    },
    safetyFactor: () => {
      if (ratios.length < 3) return 1.25;
      const mean = ratios.reduce((a, b) => a + b, 0) / ratios.length;
      const sd = Math.sqrt(ratios.reduce((a, r) => a + (r - mean) ** 2, 0) / (ratios.length - 1));
      return Math.max(Math.max(...ratios), mean + 3 * sd);
    },
  };
}

/** One 100-turn chat through trimHistory with a calibration: by kind of text (`prompts`), bare numbers, or the previous rule. */
function chat(corpora, mode) {
  const withPrompts = mode === "prompts";
  const calibration = mode === "previous" ? previousRule() : new TokenCalibration();
  const turns = phases(corpora);
  const history = [];
  const result = { english: { fills: [], refusals: 0 }, chinese: { fills: [], refusals: 0 }, code: { fills: [], refusals: 0 } };
  for (let i = 0; i < TURNS; i++) {
    const phase = i < TURNS / 3 ? "english" : i < (2 * TURNS) / 3 ? "chinese" : "code";
    const start = phase === "english" ? 0 : phase === "chinese" ? Math.floor(TURNS / 3) : Math.floor((2 * TURNS) / 3);
    history.push(new HumanMessage(turns[phase].ask()));
    const whole = [new SystemMessage(SYSTEM), ...history];
    const prompt = trimHistory(whole, { model: CLIENT, maxTokens: INPUT_BUDGET, includeSystem: true, startOn: "human", calibration });
    const reported = provider(prompt);
    if (reported + MAX_OUTPUT > WINDOW) {
      result[phase].refusals++;
      continue;
    }
    calibration.observe(CLIENT, ours(prompt), reported, withPrompts ? { messages: prompt } : undefined);
    history.push(new AIMessage(turns[phase].answer()));
    if (i - start >= SETTLE && prompt.length < whole.length) result[phase].fills.push(reported / INPUT_BUDGET);
  }
  return result;
}

/** Mixed traffic: prompts of 1 to 12 messages of each kind of text in turn, `rounds` of each. */
function mixed(corpora, withPrompts, rounds = 30) {
  const kinds = [
    ...[
      "English prose",
      "Chinese prose",
      "Japanese prose",
      "Korean prose",
      "Russian prose",
      "Arabic script",
      "Devanagari",
      "source code",
      "JSON",
    ].map((name) => [name, cycle(pieces(corpora.texts[name], 200))]),
    [
      "digits",
      (() => {
        let n = 7919;
        return () => Array.from({ length: 24 }, () => ((n = (n * 48271) % 2147483647) % 1_000_000).toString()).join(" ");
      })(),
    ],
  ];
  const calibration = new TokenCalibration();
  const tally = new Map(kinds.map(([name]) => [name, { raw: 0, calibrated: 0, over: 0, n: 0 }]));
  for (let round = 0; round < rounds; round++) {
    for (const [name, next] of kinds) {
      const size = 1 + ((round * 5 + name.length) % 12);
      const prompt = [
        new SystemMessage(SYSTEM),
        ...Array.from({ length: size }, (_, k) => (k % 2 ? new AIMessage(next()) : new HumanMessage(next()))),
      ];
      const count = ours(prompt);
      const reported = provider(prompt);
      const estimate = withPrompts ? calibration.estimate(CLIENT, prompt) : calibration.estimate(CLIENT, count);
      if (round >= 3) {
        const t = tally.get(name);
        t.n++;
        t.raw += Math.abs(count - reported) / reported;
        t.calibrated += Math.abs(estimate.tokens - reported) / reported;
        if (reported > estimate.upper) t.over++;
      }
      calibration.observe(CLIENT, count, reported, withPrompts ? { messages: prompt } : undefined);
    }
  }
  return tally;
}

/** Runs both parts; `report(section)` gets the Markdown, `fail(message)` each missed target. */
export async function benchCalibration(report, fail) {
  await loadEncoding("llama3");
  const corpora = loadCorpora();
  const runs = [
    ["by kind of text", chat(corpora, "prompts")],
    ["bare numbers", chat(corpora, "numbers")],
    ["previous rule (largest ratio)", chat(corpora, "previous")],
  ];
  const rows = [["phase", "calibration", "refusals", "settled turns", "fill min", "fill mean"]];
  for (const phase of ["english", "chinese", "code"]) {
    for (const [label, run] of runs) {
      const { fills, refusals } = run[phase];
      rows.push([
        phase,
        label,
        refusals,
        fills.length,
        percent(Math.min(...fills)),
        percent(fills.reduce((a, b) => a + b, 0) / fills.length),
      ]);
      if (label === "by kind of text" && (refusals > 0 || !(Math.min(...fills) >= MIN_FILL)))
        fail(
          `calibration: ${phase} phase: ${refusals} refusals, fill min ${percent(Math.min(...fills))} (target 0 and ${percent(MIN_FILL)})`,
        );
    }
  }
  const kinded = mixed(corpora, true);
  const plain = mixed(corpora, false);
  const errorRows = [
    [
      "kind of text",
      "prompts",
      "raw count error",
      "calibrated error, by kind",
      "past the upper bound, by kind",
      "calibrated error, bare numbers",
      "past the upper bound, bare numbers",
    ],
  ];
  for (const [name, t] of kinded) {
    const p = plain.get(name);
    errorRows.push([name, t.n, percent(t.raw / t.n), percent(t.calibrated / t.n), t.over, percent(p.calibrated / p.n), p.over]);
  }
  report(
    `## Calibration by kind of text: claude-sonnet-4-5 counted by a provider with Llama 3's tokenizer and template (TokenCalibration, defaults)\n\nA ${TURNS}-turn chat, window ${WINDOW.toLocaleString("en")} (${MAX_OUTPUT} for the answer), English then Chinese then source code, trimmed by \`trimHistory\` with the calibration; fill = the provider's input tokens / the input budget (${INPUT_BUDGET.toLocaleString("en")}), over the turns ${SETTLE} or more into a phase whose history is over the budget.\n\n${table(rows)}\n\nMixed traffic, every kind in turn (1 to 12 messages of about 200 characters each, 27 prompts per kind after 3 rounds of warm-up): mean |estimate - provider| / provider of our raw count and of the calibrated estimate made before each call, and the prompts whose provider count went past the estimate's upper bound.\n\n${table(errorRows)}`,
  );
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  let failed = 0;
  await benchCalibration(
    (section) => console.log(section),
    (message) => {
      failed++;
      console.error(message);
    },
  );
  if (failed > 0) process.exitCode = 1;
}
