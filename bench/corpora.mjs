// Benchmark corpora, built at run time from files that installed packages ship (no network),
// each text once (no paragraph copied many times):
// - English prose: JSDoc sentences of TypeScript's lib .d.ts files (Apache-2.0; DOM text from MDN, CC-BY-SA 2.5), unique lines.
// - Source code: the first 1 MB of typescript/lib/typescript.js (Apache-2.0).
// - Chinese prose: TypeScript's Simplified and Traditional Chinese diagnostic messages (Apache-2.0).
// - Chat history: 2,000 messages alternating English and Chinese sentences from the above.
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const require = createRequire(import.meta.url);
const typescriptLib = join(dirname(require.resolve("typescript/package.json")), "lib");

function englishProse() {
  const seen = new Set();
  for (const file of readdirSync(typescriptLib)
    .filter((f) => /^lib\..*\.d\.ts$/.test(f) || f === "typescript.d.ts")
    .sort()) {
    for (const line of readFileSync(join(typescriptLib, file), "utf8").split("\n")) {
      const match = /^\s*\*\s([A-Z].*)$/.exec(line);
      if (match && !match[1].includes("MDN Reference") && !match[1].includes("@")) seen.add(match[1].trim());
    }
  }
  return [...seen].join("\n");
}

function chineseProse() {
  return ["zh-cn", "zh-tw"]
    .map((locale) =>
      Object.values(JSON.parse(readFileSync(join(typescriptLib, locale, "diagnosticMessages.generated.json"), "utf8"))).join("\n"),
    )
    .join("\n");
}

function sourceCode() {
  return readFileSync(join(typescriptLib, "typescript.js"), "utf8").slice(0, 1_000_000);
}

export function chatHistory(english, chinese, count = 2_000) {
  const en = english.split("\n");
  const zh = chinese.split("\n");
  return Array.from({ length: count }, (_, i) => ({
    role: i === 0 ? "system" : i % 2 ? "user" : "assistant",
    content: i % 3 === 2 ? zh[(i * 7) % zh.length] : `${en[(i * 13) % en.length]} ${en[(i * 13 + 1) % en.length]}`,
  }));
}

export function loadCorpora() {
  const english = englishProse();
  const chinese = chineseProse();
  return { english, code: sourceCode(), chinese, chat: chatHistory(english, chinese) };
}

/** The worst cases of issue 3; each must count in under 50 ms. */
export const WORST_CASES = {
  "100k one letter": () => "a".repeat(100_000),
  "10k CJK, no punctuation": () => Array.from({ length: 10_000 }, (_, i) => String.fromCodePoint(0x4e00 + ((i * 7919) % 20_000))).join(""),
  "100 KB base64": () => Buffer.from(Array.from({ length: 75_000 }, (_, i) => (i * 131) % 256)).toString("base64"),
  "100 KB digits": () => Array.from({ length: 100_000 }, (_, i) => String((i * 7) % 10)).join(""),
  "100 KB whitespace runs": () => Array.from({ length: 40_000 }, (_, i) => " \t\n    ".slice(0, 1 + (i % 5))).join(""),
  "50k emoji": () => "😀🎉🚀👍🔥".repeat(10_000),
};
