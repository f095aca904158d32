import { StringDecoder } from "node:string_decoder";
import type { Encoder } from "@tokenledger/core";
import { lastSafeCut } from "@tokenledger/core/internal";
import { HEAD_BYTES } from "./binary-check.js";

export interface StreamCount {
  tokens: number;
  /** Unicode code points of the decoded text (an invalid UTF-8 sequence is one U+FFFD). */
  characters: number;
  /** Bytes read: the input's own size. */
  bytes: number;
  /** True when the text ran `maxHeld` characters without a safe cut and was cut anyway. */
  approximate: boolean;
}

export interface StreamOptions {
  onProgress?: (bytes: number) => void;
  /** Characters held waiting for a safe cut before cutting anyway (the count is then approximate). */
  maxHeld?: number;
  /** Called once, before counting, with the first bytes (at most 8 KB); may throw to refuse the input. */
  checkHead?: (head: Buffer) => void;
}

/** 65,536 characters: text longer than this with no safe cut is one huge piece (a base64 blob, one repeated letter). */
export const MAX_HELD = 1 << 16;

function codePoints(text: string): number {
  let n = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) n--;
    }
  }
  return n;
}

/**
 * Counts a stream in bounded memory: the text is cut only where tokenization cannot change
 * (`lastSafeCut`), so the count equals the whole text's. Text with no such place (one line of
 * one letter, a base64 blob) is held up to `maxHeld` characters, then cut anyway and flagged
 * approximate.
 *
 * @example
 * ```ts
 * const { tokens } = await countStream(createReadStream("big.txt"), getEncoder("o200k_base"));
 * ```
 */
export async function countStream(input: AsyncIterable<Buffer | string>, encoder: Encoder, opts: StreamOptions = {}): Promise<StreamCount> {
  const maxHeld = opts.maxHeld ?? MAX_HELD;
  const decoder = new StringDecoder("utf8");
  const total: StreamCount = { tokens: 0, characters: 0, bytes: 0, approximate: false };
  let carry = "";
  const add = (text: string) => {
    total.characters += codePoints(text);
    const searched = carry.length;
    carry += text;
    const cut = lastSafeCut(carry, encoder.name, searched - 2);
    if (cut > 0) {
      total.tokens += encoder.count(carry.slice(0, cut));
      carry = carry.slice(cut);
    }
    while (carry.length > maxHeld) {
      // No safe cut in maxHeld characters: one huge piece, cut anyway (never inside a surrogate pair).
      let forced = maxHeld;
      if (carry.charCodeAt(forced - 1) >= 0xd800 && carry.charCodeAt(forced - 1) <= 0xdbff) forced--;
      total.tokens += encoder.count(carry.slice(0, forced));
      carry = carry.slice(forced);
      total.approximate = true;
    }
  };
  // The first 8 KB are held until checked, so a refused input is never decoded.
  let head: Buffer[] | undefined = opts.checkHead ? [] : undefined;
  let headBytes = 0;
  const release = () => {
    opts.checkHead!(Buffer.concat(head!).subarray(0, HEAD_BYTES));
    for (const held of head!) add(decoder.write(held));
    head = undefined;
  };
  for await (const data of input) {
    const chunk = typeof data === "string" ? Buffer.from(data) : data;
    total.bytes += chunk.length;
    if (head !== undefined) {
      head.push(chunk);
      headBytes += chunk.length;
      if (headBytes >= HEAD_BYTES) release();
    } else add(decoder.write(chunk));
    opts.onProgress?.(total.bytes);
  }
  if (head !== undefined) release();
  const tail = decoder.end();
  total.characters += codePoints(tail);
  total.tokens += encoder.count(carry + tail);
  return total;
}
