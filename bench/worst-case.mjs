// One fresh process: count one worst-case input with one library, after warming the same
// code paths on its first tenth and letting the warm-up's background threads finish (run with
// a time limit).
import { WORST_CASES } from "./corpora.mjs";
import { cpuMs, settle } from "./cpu-time.mjs";
import { LIBRARIES } from "./libraries.mjs";

const [name, encoding, kase] = process.argv.slice(2);
const count = await LIBRARIES[name](encoding);
const text = WORST_CASES[kase]();
count(text.slice(0, text.length / 10));
// The warm-up's own background work (V8 finishing its compiles, sweeping the input's garbage) is not the count's.
settle();
const wallStart = performance.now();
const start = cpuMs();
const n = count(text);
process.stdout.write(JSON.stringify({ ms: cpuMs() - start, wallMs: performance.now() - wallStart, count: n }));
