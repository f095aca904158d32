// pnpm bench: tokenledger side by side with js-tiktoken, gpt-tokenizer, tiktoken (WASM) and
// OpenAI's native Rust tiktoken, in one process, on the same inputs.
//
// The headline is first-pass throughput on text the library has never seen, which is what a
// user counts: each corpus is cut into ~2 KB chunks (at line ends); each library warms up on the
// first quarter of every corpus, twice (every kind of text, as a running service has seen it),
// then counts every chunk of the rest exactly once, in several disjoint slices, the order of the
// libraries rotating from slice to slice. Counts are checked against tiktoken. Time is the
// process's CPU time, so that other load on the machine does not skew the ratios; each timed
// slice starts after a full collection and once the background threads are idle (`quiesce`),
// so that no library is charged for sweeping another's garbage. A cached re-count of the same
// held-out text is reported too, labelled as such. Then cold start, worst cases, re-counting,
// trimming, the open-weight tokenizers (open-weight.mjs) and the ledger store (store.mjs), each in a
// process of its own. A full run
// writes everything it printed to bench/RESULTS.md, the one place figures live.
import { execFileSync, spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { benchCalibration } from "./calibration.mjs";
import { loadCorpora, WORST_CASES } from "./corpora.mjs";
import { cpuMs, quiesce } from "./cpu-time.mjs";
import { benchLedgerStart, LEDGER_START_TARGET_MS } from "./ledger-start.mjs";
import { LIBRARIES } from "./libraries.mjs";
import { RESULTS, runLine, writeResults } from "./results-file.mjs";
import { benchTrim } from "./trim.mjs";

const ENCODINGS = ["o200k_base", "cl100k_base"];
const REFERENCE = "tiktoken (WASM)";
const NATIVE = "tiktoken (native)";
const OURS = "tokenledger";
const JS_PEERS = ["js-tiktoken", "gpt-tokenizer", "tiktoken (WASM)"];
const CHUNK_BYTES = 2_000;
const SLICES = 4;
const WARM_UP_SHARE = 0.25;
const WARM_UP_PASSES = 2;
const here = new URL(".", import.meta.url);
const corpora = loadCorpora();
const started = runLine();
/** The messages of the checks that missed their target. */
const failures = [];
const fail = (message) => {
  failures.push(message);
  console.error(message);
};
/** Every section printed, in order: RESULTS.md is exactly these. */
const sections = [];
const report = (section) => {
  sections.push(section);
  console.log(`\n${section}`);
};

/** Lines gathered into chunks of about CHUNK_BYTES. */
function chunksOf(text) {
  const chunks = [];
  let current = "";
  for (const line of text.split(/(?<=\n)/)) {
    current += line;
    if (Buffer.byteLength(current) >= CHUNK_BYTES) {
      chunks.push(current);
      current = "";
    }
  }
  if (current) chunks.push(current);
  return chunks;
}

/** The warm-up chunks and SLICES disjoint held-out slices of a corpus. */
function split(text) {
  const chunks = chunksOf(text);
  const warm = chunks.slice(0, Math.ceil(chunks.length * WARM_UP_SHARE));
  const rest = chunks.slice(warm.length);
  const size = Math.ceil(rest.length / SLICES);
  const slices = Array.from({ length: SLICES }, (_, i) => rest.slice(i * size, (i + 1) * size));
  const bytes = rest.reduce((sum, c) => sum + Buffer.byteLength(c), 0);
  return { warm, slices, bytes };
}

function timedCount(count, chunks) {
  quiesce();
  let tokens = 0;
  const start = cpuMs();
  for (const chunk of chunks) tokens += count(chunk);
  return { tokens, ms: cpuMs() - start };
}

/** First-pass MB/s of every library on the held-out slices of one corpus, and tokenledger's cached re-count. */
function firstPass(counters, { slices, bytes }) {
  const names = Object.keys(counters);
  const results = Object.fromEntries(names.map((n) => [n, { tokens: 0, ms: 0 }]));
  slices.forEach((slice, s) => {
    for (let i = 0; i < names.length; i++) {
      const name = names[(i + s) % names.length];
      const { tokens, ms } = timedCount(counters[name], slice);
      results[name].tokens += tokens;
      results[name].ms += ms;
    }
  });
  const recount = slices.reduce((ms, slice) => ms + timedCount(counters[OURS], slice).ms, 0);
  for (const r of Object.values(results)) r.mbPerSecond = bytes / 1e3 / r.ms;
  return { results, recountMbPerSecond: bytes / 1e3 / recount };
}

/** The middle value (of an odd count). */
const median = (values) => [...values].sort((a, b) => a - b)[values.length >> 1];

const table = (rows) => {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => String(r[c]).length)));
  return rows
    .map(
      (r, i) =>
        `| ${r.map((cell, c) => String(cell).padEnd(widths[c])).join(" | ")} |${i === 0 ? `\n|${widths.map((w) => "-".repeat(w + 2)).join("|")}|` : ""}`,
    )
    .join("\n");
};

const splits = Object.fromEntries(Object.entries(corpora.texts).map(([name, text]) => [name, split(text)]));
console.log(`# tokenledger benchmark\n\n${started}`);
report(
  Object.entries(splits)
    .map(
      ([name, s]) =>
        `- ${name}: ${((s.bytes + s.warm.reduce((n, c) => n + Buffer.byteLength(c), 0)) / 1e3).toFixed(0)} KB, ${(s.bytes / 1e3).toFixed(0)} KB held out in ${SLICES} slices`,
    )
    .join("\n"),
);

for (const encoding of ENCODINGS) {
  const counters = {};
  for (const [name, load] of Object.entries(LIBRARIES)) {
    const count = await load(encoding);
    if (count) counters[name] = count;
  }
  const names = Object.keys(counters);
  // Warm-up on every corpus first, so that no slice timed is charged for compiling: one pass
  // left some paths short of V8's optimisation threshold (long pieces of Japanese), two do not.
  for (let pass = 0; pass < WARM_UP_PASSES; pass++) {
    for (const name of names) for (const { warm } of Object.values(splits)) for (const chunk of warm) counters[name](chunk);
  }
  const rows = [
    [
      "corpus",
      ...names.map((n) => `${n} MB/s`),
      "vs fastest JS/WASM",
      ...(counters[NATIVE] ? ["vs native"] : []),
      "tokenledger re-count (cached) MB/s",
      "tokens",
    ],
  ];
  for (const [corpus, parts] of Object.entries(splits)) {
    const { results, recountMbPerSecond } = firstPass(counters, parts);
    const ours = results[OURS];
    const reference = results[REFERENCE].tokens;
    if (ours.tokens !== reference) fail(`MISMATCH ${encoding} ${corpus}: tokenledger ${ours.tokens}, tiktoken ${reference}`);
    const fastest = Math.max(...JS_PEERS.map((n) => results[n].mbPerSecond));
    const vsPeers = ours.mbPerSecond / fastest;
    if (vsPeers < 2) fail(`BELOW TARGET ${encoding} ${corpus}: ${vsPeers.toFixed(2)}x the fastest JS/WASM peer, target 2x`);
    const vsNative = counters[NATIVE] ? ours.mbPerSecond / results[NATIVE].mbPerSecond : undefined;
    if (vsNative !== undefined && vsNative < 1)
      fail(`BELOW TARGET ${encoding} ${corpus}: ${vsNative.toFixed(2)}x native tiktoken, target 1x`);
    const disagree = names.filter((n) => results[n].tokens !== reference).map((n) => `${n} ${results[n].tokens}`);
    rows.push([
      corpus,
      ...names.map((n) => results[n].mbPerSecond.toFixed(1)),
      `${vsPeers.toFixed(1)}x`,
      ...(vsNative === undefined ? [] : [`${vsNative.toFixed(1)}x`]),
      recountMbPerSecond.toFixed(1),
      `${reference}${disagree.length ? ` (differs: ${disagree.join(", ")})` : ""}`,
    ]);
  }
  report(
    `## First pass on unseen text, ${encoding} (MB/s of CPU time; warm-up on other text of every kind, this one included, each held-out chunk counted once)\n\n${table(rows)}`,
  );
}

// BENCH_FIRST_PASS_ONLY=1 stops here, to iterate on the engine.
if (process.env.BENCH_FIRST_PASS_ONLY) process.exit(failures.length > 0 ? 1 : 0);

const coldRows = [["library", "cold start ms (median of 5)", "encoder memory MB", "ratio to tokenledger (ms)"]];
const cold = {};
const withO200k = Object.keys(LIBRARIES).filter((name) => name !== NATIVE);
for (const name of withO200k) {
  const runs = Array.from({ length: 5 }, () =>
    JSON.parse(execFileSync(process.execPath, ["--expose-gc", "cold-start.mjs", name, "o200k_base"], { cwd: here, encoding: "utf8" })),
  );
  cold[name] = runs.sort((a, b) => a.ms - b.ms)[runs.length >> 1];
}
for (const [name, r] of Object.entries(cold)) {
  coldRows.push([name, r.ms.toFixed(0), (r.bytes / 1e6).toFixed(1), `${(r.ms / cold.tokenledger.ms).toFixed(1)}x`]);
}
report(
  `## Cold start: a fresh process loads o200k_base and counts "hello world"\n\nMemory is heap + external (array buffers, WASM) held after a full GC, minus the same before loading.\n\n${table(coldRows)}`,
);

const worstRows = [["input", ...withO200k.map((n) => `${n} ms`), `${OURS} wall ms`]];
/** CPU and wall ms of one fresh process counting `kase` with `name`, or undefined when it was stopped after 10 s. */
function worstCase(name, kase) {
  try {
    const output = execFileSync(process.execPath, ["worst-case.mjs", name, "o200k_base", kase], {
      cwd: here,
      encoding: "utf8",
      timeout: 10_000,
      stdio: ["ignore", "pipe", "ignore"],
    });
    return JSON.parse(output);
  } catch {
    return undefined;
  }
}
for (const kase of Object.keys(WORST_CASES)) {
  const row = [kase];
  let oursWallMs = Number.NaN;
  for (const name of withO200k) {
    // Median of 5 fresh processes (a library stopped once is not run again).
    const runs = [];
    for (let i = 0; i < 5; i++) {
      const run = worstCase(name, kase);
      if (run === undefined) break;
      runs.push(run);
    }
    if (runs.length < 5) {
      row.push("> 10,000 (stopped)");
      continue;
    }
    const ms = median(runs.map((r) => r.ms));
    row.push(ms.toFixed(1));
    if (name === OURS) {
      oursWallMs = median(runs.map((r) => r.wallMs));
      if (ms >= 50) fail(`SLOW worst case ${kase}: ${ms.toFixed(1)} ms`);
    }
  }
  row.push(oursWallMs.toFixed(1));
  worstRows.push(row);
}
report(
  `## Worst cases, o200k_base (a fresh process each, median of 5; warmed on the input's first tenth, then, once the warm-up's background threads are idle, one count of the whole, CPU time of all the process's threads, V8's compiler threads included; the last column is the same count's wall time; stopped after 10 s of wall time)\n\n${table(worstRows)}`,
);

const recounts = Array.from({ length: 5 }, () =>
  JSON.parse(execFileSync(process.execPath, ["--expose-gc", "recount.mjs"], { cwd: here, encoding: "utf8" })),
);
const recountMedian = (key) => median(recounts.map((r) => r[key]));
report(
  `## Re-counting a growing chat history (countMessages, gpt-4o; a fresh process each, median of 5, CPU time)\n\n${table([
    ["10,000 messages, first count ms", "second count, +1 new message ms", "steady state, +1 new message ms (median of 9)"],
    [recountMedian("coldMs").toFixed(1), recountMedian("secondMs").toFixed(2), recountMedian("steadyMs").toFixed(2)],
  ])}\n\nEach count starts after a full GC and once the background threads are idle, so that garbage made earlier is not charged to it.`,
);
for (const key of ["secondMs", "steadyMs"]) {
  if (recountMedian(key) >= 1) fail(`SLOW re-count (${key}): ${recountMedian(key).toFixed(3)} ms`);
}

/** CPU ms of one call, after a full collection and once the background threads are idle. */
const timedCpu = async (f) => {
  quiesce();
  const start = cpuMs();
  await f();
  return cpuMs() - start;
};
const { rows: trimRows, checks: trimChecks } = await benchTrim(corpora, timedCpu);
report(
  `## Trimming a chat history to half its tokens, at most gpt-4o's prompt budget (trimHistory vs @langchain/core trimMessages with a js-tiktoken counter; warm, CPU time)\n\n${table(trimRows)}\n\nKept message counts can differ by a message or two: the js-tiktoken counter given to trimMessages uses a simpler rule (3 per message plus content), trimHistory OpenAI's (role, names, reply priming).`,
);
for (const c of trimChecks) {
  if (c.n === 1_000 && c.theirsMs !== undefined && c.theirsMs / c.firstMs < 1_000)
    fail(`SLOW trim: only ${(c.theirsMs / c.firstMs).toFixed(0)}x trimMessages on 1,000 messages`);
  if (c.n === 100_000 && c.firstMs >= 200) fail(`SLOW trim: 100,000 messages in ${c.firstMs.toFixed(0)} ms`);
}

const ledgerStart = await benchLedgerStart(corpora, timedCpu);
report(
  `## A run's start in the ledger on a long chat with the model's own chat template (CPU ms, each history new)\n\n${table([
    ["model", "messages", "ledger: the run's start (prompt and context counted)", "countMessages with every message's part"],
    ...ledgerStart.map((r) => [r.label, r.n.toLocaleString("en"), r.startMs.toFixed(1), r.partsMs.toFixed(1)]),
  ])}\n\nThe ledger renders the template twice (the prompt, the context alone); every message's part takes one render per prefix.`,
);
for (const r of ledgerStart)
  if (r.n === 1_000 && r.startMs >= LEDGER_START_TARGET_MS)
    fail(`SLOW ledger start: ${r.label} 1,000 messages in ${r.startMs.toFixed(0)} ms`);

await benchCalibration(report, fail);
// Token budgets' reserve + settle latency, in a process of its own (it starts a PostgreSQL).
const budgets = spawnSync(process.execPath, ["budget.mjs"], { cwd: here, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
report(budgets.stdout.trim());
if (budgets.status !== 0)
  fail(`budget.mjs exited ${budgets.status ?? budgets.signal}: reserve + settle against local PostgreSQL over its p50 target`);

// The open-weight tokenizers in a process of their own (their tokenizer files are tens of MB).
const openWeight = spawnSync(process.execPath, ["open-weight.mjs"], { cwd: here, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
report(openWeight.stdout.trim());
if (openWeight.status !== 0)
  fail(`open-weight.mjs exited ${openWeight.status ?? openWeight.signal}: its counts differ from @huggingface/tokenizers`);

// The ledger store (a local PostgreSQL and the SQLite file) in a process of its own.
const store = spawnSync(process.execPath, ["store.mjs"], { cwd: here, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
report(store.stdout.trim());
if (store.status !== 0) fail(`store.mjs exited ${store.status ?? store.signal}: a store figure missed its target`);

writeResults(started, sections, failures);
console.log(`\nwrote ${fileURLToPath(RESULTS)}`);
if (failures.length > 0) {
  console.error(`\n${failures.length} check(s) failed`);
  process.exitCode = 1;
}
