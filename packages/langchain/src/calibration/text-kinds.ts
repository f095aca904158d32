import type { ChatMessage } from "@tokenledger/core";
import { countTokens } from "@tokenledger/core";
import { BoundedMap } from "../shared/index.js";

/**
 * The kinds of text a prompt's tokens are split into, by script: Chinese characters (`cjk`: Han,
 * Bopomofo, CJK punctuation and full-width forms), Japanese kana (`kana`), Korean (`hangul`),
 * `cyrillic`, `arabic` (Arabic, Syriac, Thaana), `indic` (Devanagari and the other Brahmic scripts
 * of South Asia), other scripts (`otherScript`: Greek, Hebrew, Thai, Armenian...), Latin letters
 * (`latin`: prose and identifiers), punctuation and symbols (`symbols`: code, JSON, markup) and
 * `digits`. Whitespace goes with the text after it, combining marks with the text before.
 */
export const TEXT_KINDS = ["cjk", "kana", "hangul", "cyrillic", "arabic", "indic", "otherScript", "latin", "symbols", "digits"] as const;
export type TextKind = (typeof TEXT_KINDS)[number];

/** Our count of a text, split by kind: the parts add up to the text's whole count. */
export type KindTokens = Record<TextKind, number>;

const SCRIPTS: Array<[RegExp, TextKind]> = [
  [/\p{Script=Latin}/u, "latin"],
  [/[\p{Script=Han}\p{Script=Bopomofo}\u3000-\u303f\uff00-\uffef]/u, "cjk"],
  [/[\p{Script=Hiragana}\p{Script=Katakana}]/u, "kana"],
  [/\p{Script=Hangul}/u, "hangul"],
  [/\p{Script=Cyrillic}/u, "cyrillic"],
  [/[\p{Script=Arabic}\p{Script=Syriac}\p{Script=Thaana}]/u, "arabic"],
  [
    /[\p{Script=Devanagari}\p{Script=Bengali}\p{Script=Gurmukhi}\p{Script=Gujarati}\p{Script=Oriya}\p{Script=Tamil}\p{Script=Telugu}\p{Script=Kannada}\p{Script=Malayalam}\p{Script=Sinhala}]/u,
    "indic",
  ],
];
const LETTER = /\p{L}/u;
const DIGIT = /\p{N}/u;
const SPACE = /\s/u;
const MARK = /\p{M}/u;

/** One character's kind; undefined for whitespace and combining marks, which join a neighbour. */
function kindOf(char: string): TextKind | undefined {
  const code = char.charCodeAt(0);
  if (code < 0x80) {
    if ((code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a)) return "latin";
    if (code >= 0x30 && code <= 0x39) return "digits";
    return code <= 0x20 || code === 0x7f ? undefined : "symbols";
  }
  if (SPACE.test(char) || MARK.test(char)) return undefined;
  for (const [script, kind] of SCRIPTS) if (script.test(char)) return kind;
  if (DIGIT.test(char)) return "digits";
  if (LETTER.test(char)) return "otherScript";
  return "symbols";
}

/** Texts longer than this are split but not cached. */
const CACHED_TEXT = 20_000;
/** Split texts, by model and text; the oldest is forgotten first. */
const splits = new BoundedMap<string, KindTokens>(2_000);

export function emptyKinds(): KindTokens {
  return Object.fromEntries(TEXT_KINDS.map((kind) => [kind, 0])) as KindTokens;
}

/**
 * Our count of `text` for `model`, split by kind: each run of one kind is counted on its own, and
 * the runs' counts are scaled so that they add up to the count of the whole text (a token that
 * spans two runs is shared between them). Never throws.
 *
 * @example
 * ```ts
 * kindTokens("Hello 世界 42", "claude-sonnet-4-5"); // { latin: 1, cjk: 2, digits: 1, kana: 0, ... }
 * ```
 */
export function kindTokens(text: string, model: string): KindTokens {
  if (text === "") return emptyKinds();
  const key = text.length <= CACHED_TEXT ? `${model}\u0000${text}` : undefined;
  const cached = key === undefined ? undefined : splits.get(key);
  if (cached) return cached;
  const runs = emptyKinds();
  let run = "";
  let runKind: TextKind | undefined;
  let pending = "";
  const flush = () => {
    if (runKind !== undefined && run !== "") runs[runKind] += countTokens(run, { model });
    run = "";
  };
  for (const char of text) {
    const kind = kindOf(char);
    if (kind === undefined) {
      if (SPACE.test(char)) pending += char;
      else run += char;
      continue;
    }
    if (kind !== runKind) {
      flush();
      runKind = kind;
    }
    run += pending + char;
    pending = "";
  }
  run += pending;
  if (runKind === undefined) runKind = "symbols";
  flush();
  const whole = countTokens(text, { model });
  let parts = 0;
  for (const kind of TEXT_KINDS) parts += runs[kind];
  const result = emptyKinds();
  if (parts > 0) for (const kind of TEXT_KINDS) result[kind] = (whole * runs[kind]) / parts;
  else result.symbols = whole;
  if (key !== undefined) splits.set(key, result);
  return result;
}

/** The text a message is sent as, by kind of text: its content's text, then its tool calls' names and arguments. */
export function messageText(message: ChatMessage): string {
  const texts: string[] = [];
  const content = message.content;
  if (typeof content === "string") texts.push(content);
  else if (Array.isArray(content))
    for (const part of content) if (typeof (part as { text?: unknown }).text === "string") texts.push((part as { text: string }).text);
  for (const call of message.tool_calls ?? []) texts.push(call.function?.name ?? "", call.function?.arguments ?? "");
  return texts.join("\n");
}
