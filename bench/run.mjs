// pnpm bench: tokenledger side by side with js-tiktoken, gpt-tokenizer and tiktoken (WASM),
// in one run, on the same inputs; counts are checked against tiktoken before timing.
import { execFileSync } from "node:child_process";
import { cpus } from "node:os";
import { loadCorpora, WORST_CASES } from "./corpora.mjs";
import { LIBRARIES } from "./libraries.mjs";
import { benchTrim } from "./trim.mjs";

const ENCODINGS = ["o200k_base", "cl100k_base"];
const REFERENCE = "tiktoken (WASM)";
const SECONDS_PER_MEASURE = Number(process.env.BENCH_SECONDS ?? 1);
const here = new URL(".", import.meta.url);
const corpora = loadCorpora();
const texts = {
  "English prose": [corpora.english],
  "source code": [corpora.code],
  "Chinese prose": [corpora.chinese],
  "chat history (2,000 messages)": corpora.chat.map((m) => m.content),
};
let failures = 0;

function throughput(count, parts) {
  const bytes = parts.reduce((sum, t) => sum + Buffer.byteLength(t), 0);
  let tokens = 0;
  for (const t of parts) tokens += count(t);
  const start = performance.now();
  let runs = 0;
  do {
    for (const t of parts) count(t);
    runs++;
  } while (performance.now() - start < SECONDS_PER_MEASURE * 1000 || runs < 2);
  return { tokens, mbPerSecond: (bytes * runs) / 1e6 / ((performance.now() - start) / 1000) };
}

const table = (rows) => {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => String(r[c]).length)));
  return rows
    .map(
      (r, i) =>
        `| ${r.map((cell, c) => String(cell).padEnd(widths[c])).join(" | ")} |${i === 0 ? `\n|${widths.map((w) => "-".repeat(w + 2)).join("|")}|` : ""}`,
    )
    .join("\n");
};

console.log(
  `# tokenledger benchmark\n\n${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${cpus()[0]?.model} (${cpus().length} cores), ${SECONDS_PER_MEASURE}s per measurement\n`,
);
console.log(
  Object.entries(texts)
    .map(([name, parts]) => `- ${name}: ${(parts.reduce((s, t) => s + Buffer.byteLength(t), 0) / 1e3).toFixed(0)} KB`)
    .join("\n"),
);

for (const encoding of ENCODINGS) {
  const counters = {};
  for (const [name, load] of Object.entries(LIBRARIES)) counters[name] = await load(encoding);
  const rows = [["corpus", ...Object.keys(LIBRARIES).map((n) => `${n} MB/s (x)`), "tokens"]];
  for (const [corpus, parts] of Object.entries(texts)) {
    const results = Object.fromEntries(Object.entries(counters).map(([name, count]) => [name, throughput(count, parts)]));
    const ours = results.tokenledger;
    if (ours.tokens !== results[REFERENCE].tokens) {
      failures++;
      console.error(`MISMATCH ${encoding} ${corpus}: tokenledger ${ours.tokens}, tiktoken ${results[REFERENCE].tokens}`);
    }
    for (const [name, floor] of [
      ["gpt-tokenizer", 2],
      ["js-tiktoken", 5],
    ]) {
      const ratio = ours.mbPerSecond / results[name].mbPerSecond;
      if (ratio < floor) {
        failures++;
        console.error(`BELOW TARGET ${encoding} ${corpus}: ${ratio.toFixed(2)}x ${name}, target ${floor}x`);
      }
    }
    const disagree = Object.entries(results)
      .filter(([, r]) => r.tokens !== results[REFERENCE].tokens)
      .map(([n, r]) => `${n} ${r.tokens}`);
    rows.push([
      corpus,
      ...Object.values(results).map((r) => `${r.mbPerSecond.toFixed(1)} (${(ours.mbPerSecond / r.mbPerSecond).toFixed(1)}x)`),
      `${results[REFERENCE].tokens}${disagree.length ? ` (differs: ${disagree.join(", ")})` : ""}`,
    ]);
  }
  console.log(`\n## Throughput, ${encoding} (warm, single thread; (x) = tokenledger's speed / this library's)\n\n${table(rows)}`);
}

const coldRows = [["library", "cold start ms (median of 5)", "encoder memory MB", "ratio to tokenledger (ms)"]];
const cold = {};
for (const name of Object.keys(LIBRARIES)) {
  const runs = Array.from({ length: 5 }, () =>
    JSON.parse(execFileSync(process.execPath, ["--expose-gc", "cold-start.mjs", name, "o200k_base"], { cwd: here, encoding: "utf8" })),
  );
  runs.sort((a, b) => a.ms - b.ms);
  cold[name] = runs[2];
}
for (const [name, r] of Object.entries(cold)) {
  coldRows.push([name, r.ms.toFixed(0), (r.bytes / 1e6).toFixed(1), `${(r.ms / cold.tokenledger.ms).toFixed(1)}x`]);
}
console.log(
  `\n## Cold start: a fresh process loads o200k_base and counts "hello world"\n\nMemory is heap + external (array buffers, WASM) held after a full GC, minus the same before loading.\n\n${table(coldRows)}`,
);

const worstRows = [["input", ...Object.keys(LIBRARIES).map((n) => `${n} ms`)]];
for (const kase of Object.keys(WORST_CASES)) {
  const row = [kase];
  for (const name of Object.keys(LIBRARIES)) {
    try {
      const r = JSON.parse(
        execFileSync(process.execPath, ["worst-case.mjs", name, "o200k_base", kase], {
          cwd: here,
          encoding: "utf8",
          timeout: 10_000,
          stdio: ["ignore", "pipe", "ignore"],
        }),
      );
      row.push(r.ms.toFixed(1));
      if (name === "tokenledger" && r.ms >= 50) {
        failures++;
        console.error(`SLOW worst case ${kase}: ${r.ms.toFixed(1)} ms`);
      }
    } catch {
      row.push("> 10,000 (stopped)");
    }
  }
  worstRows.push(row);
}
console.log(
  `\n## Worst cases, o200k_base (one fresh process each; warmed on the input's first tenth, then one count of the whole; stopped after 10 s)\n\n${table(worstRows)}`,
);

const recounts = Array.from({ length: 5 }, () =>
  JSON.parse(execFileSync(process.execPath, ["--expose-gc", "recount.mjs"], { cwd: here, encoding: "utf8" })),
);
const median = (key) => recounts.map((r) => r[key]).sort((a, b) => a - b)[2];
console.log(
  `\n## Re-counting a growing chat history (countMessages, gpt-4o; a fresh process each, median of 5)\n\n${table([
    ["10,000 messages, first count ms", "second count, +1 new message ms", "steady state, +1 new message ms (median of 9)"],
    [median("coldMs").toFixed(1), median("secondMs").toFixed(2), median("steadyMs").toFixed(2)],
  ])}\n\nEach count starts after a full GC, so that garbage made earlier is not charged to it.`,
);
for (const key of ["secondMs", "steadyMs"]) {
  if (median(key) >= 1) {
    failures++;
    console.error(`SLOW re-count (${key}): ${median(key).toFixed(3)} ms`);
  }
}

const { rows: trimRows, checks: trimChecks } = await benchTrim(corpora, async (f) => {
  globalThis.gc?.();
  const start = performance.now();
  await f();
  return performance.now() - start;
});
console.log(
  `\n## Trimming a chat history to half its tokens, at most gpt-4o's prompt budget (trimHistory vs @langchain/core trimMessages with a js-tiktoken counter; warm)\n\n${table(trimRows)}\n\nKept message counts can differ by a message or two: the js-tiktoken counter given to trimMessages uses a simpler rule (3 per message plus content), trimHistory OpenAI's (role, names, reply priming).`,
);
for (const c of trimChecks) {
  if (c.n === 1_000 && c.theirsMs !== undefined && c.theirsMs / c.firstMs < 1_000) {
    failures++;
    console.error(`SLOW trim: only ${(c.theirsMs / c.firstMs).toFixed(0)}x trimMessages on 1,000 messages`);
  }
  if (c.n === 100_000 && c.firstMs >= 200) {
    failures++;
    console.error(`SLOW trim: 100,000 messages in ${c.firstMs.toFixed(0)} ms`);
  }
}

if (failures > 0) {
  console.error(`\n${failures} check(s) failed`);
  process.exitCode = 1;
}
