// One fresh process, as a server that counts each turn's growing history would be: count
// 10,000 messages once, then again with one new message each time (run with --expose-gc).
import { countMessages } from "@tokenledger/core";
import { chatHistory, loadCorpora } from "./corpora.mjs";
import { cpuMs, quiesce } from "./cpu-time.mjs";

const corpora = loadCorpora();
const history = chatHistory(corpora.english, corpora.chinese, 10_000);
const timed = (f) => {
  quiesce();
  const start = cpuMs();
  f();
  return cpuMs() - start;
};
const recount = (i) =>
  timed(() => {
    history.push({ role: "user", content: `And one more question, number ${i}?` });
    countMessages(history, { model: "gpt-4o" });
  });
const coldMs = timed(() => countMessages(history, { model: "gpt-4o" }));
const secondMs = recount(0);
const steadyMs = Array.from({ length: 9 }, (_, i) => recount(i + 1)).sort((a, b) => a - b)[4];
process.stdout.write(JSON.stringify({ coldMs, secondMs, steadyMs }));
