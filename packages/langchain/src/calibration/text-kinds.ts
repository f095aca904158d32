import type { ChatMessage } from "@tokenledger/core";
import { countTokens } from "@tokenledger/core";
import { BoundedMap } from "../shared/index.js";

/**
 * The kinds of text a prompt's tokens are split into: Chinese, Japanese and Korean (`cjk`), other
 * non-Latin scripts (`otherScript`: Cyrillic, Greek, Arabic, Devanagari, Thai...), Latin letters
 * (`latin`: prose and identifiers), punctuation and symbols (`symbols`: code, JSON, markup) and
 * `digits`. Whitespace goes with the text after it, combining marks with the text before.
 */
export const TEXT_KINDS = ["cjk", "otherScript", "latin", "symbols", "digits"] as const;
export type TextKind = (typeof TEXT_KINDS)[number];

/** Our count of a text, split by kind: the parts add up to the text's whole count. */
export type KindTokens = Record<TextKind, number>;

const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Bopomofo}\u3000-\u303f\uff00-\uffef]/u;
const LATIN = /\p{Script=Latin}/u;
const LETTER = /\p{L}/u;
const DIGIT = /\p{N}/u;
const SPACE = /\s/u;
const MARK = /\p{M}/u;

/** One character's kind; undefined for whitespace and combining marks, which join a neighbour. */
function kindOf(char: string): TextKind | undefined {
  if (SPACE.test(char) || MARK.test(char)) return undefined;
  if (CJK.test(char)) return "cjk";
  if (LATIN.test(char)) return "latin";
  if (DIGIT.test(char)) return "digits";
  if (LETTER.test(char)) return "otherScript";
  return "symbols";
}

/** Texts longer than this are split but not cached. */
const CACHED_TEXT = 20_000;
/** Split texts kept per encoding-bearing model, the newest first out of the cache last. */
const splits = new BoundedMap<string, KindTokens>(2_000);

export function emptyKinds(): KindTokens {
  return { cjk: 0, otherScript: 0, latin: 0, symbols: 0, digits: 0 };
}

/**
 * Our count of `text` for `model`, split by kind: each run of one kind is counted on its own, and
 * the runs' counts are scaled so that they add up to the count of the whole text (a token that
 * spans two runs is shared between them). Never throws.
 *
 * @example
 * ```ts
 * kindTokens("Hello 世界 42", "claude-sonnet-4-5"); // { latin: 1, cjk: 2, digits: 1, symbols: 0, otherScript: 0 }
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
