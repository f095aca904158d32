import type { ChatMessage, Encoder } from "@tokenledger/core";
import { countTokens, getEncoder, resolveModel } from "@tokenledger/core";
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
const CACHED_TEXT = 4_000;
/** Split texts, by model and text; the oldest is forgotten first. */
const splits = new BoundedMap<string, KindTokens>(1_000);

export function emptyKinds(): KindTokens {
  return Object.fromEntries(TEXT_KINDS.map((kind) => [kind, 0])) as KindTokens;
}

/**
 * Our count of `text` for `model`, split by kind: the text is encoded once, and each token counts
 * for the kind of the first character that starts in it (a token of whitespace, or the rest of a
 * character cut across tokens, for the kind before it). The parts add up to the text's count.
 * Never throws: when the model's encoder cannot be had, the count is shared by characters.
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
  let result: KindTokens;
  try {
    result = byTokens(text, getEncoder(resolveModel(model).encoding));
  } catch {
    result = byCharacters(text, countTokens(text, { model }));
  }
  if (key !== undefined) splits.set(key, result);
  return result;
}

/** Each token of `text` for the kind of the first character that starts in it. */
function byTokens(text: string, encoder: Encoder): KindTokens {
  const result = emptyKinds();
  const chars = Array.from(text);
  let char = 0;
  /** UTF-8 offset where `chars[char]` starts. */
  let charStart = 0;
  let position = 0;
  let last: TextKind = "symbols";
  for (const id of encoder.encode(text)) {
    const end = position + byteLength(encoder, id);
    let kind: TextKind | undefined;
    while (char < chars.length && charStart < end) {
      if (kind === undefined && charStart >= position) kind = kindOf(chars[char]!);
      charStart += utf8Length(chars[char]!.codePointAt(0)!);
      char++;
    }
    kind ??= last;
    result[kind]++;
    last = kind;
    position = end;
  }
  return result;
}

/** `whole` shared among the kinds by their characters. */
function byCharacters(text: string, whole: number): KindTokens {
  const chars = emptyKinds();
  let counted = 0;
  for (const char of text) {
    const kind = kindOf(char);
    if (kind === undefined) continue;
    chars[kind]++;
    counted++;
  }
  const result = emptyKinds();
  if (counted === 0) result.symbols = whole;
  else for (const kind of TEXT_KINDS) result[kind] = (whole * chars[kind]) / counted;
  return result;
}

/** Each encoder's token lengths in bytes, by id: at most one entry per token of its vocabulary. */
const lengths = new Map<string, Map<number, number>>();

function byteLength(encoder: Encoder, id: number): number {
  let known = lengths.get(encoder.name);
  if (!known) lengths.set(encoder.name, (known = new Map()));
  let length = known.get(id);
  if (length === undefined) {
    length = encoder.tokenBytes(id)?.length ?? 0;
    known.set(id, length);
  }
  return length;
}

function utf8Length(codePoint: number): number {
  return codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
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
