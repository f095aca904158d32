import { createReadStream } from "node:fs";
import type { Encoder } from "@tokenledger/core";

export interface StreamCount {
  tokens: number;
  /** Unicode code points. */
  characters: number;
  bytes: number;
}

const CHUNK_BYTES = 1 << 20;
const isSpace = (c: string | undefined) => c !== undefined && /\s/u.test(c);
const isLetter = (c: string | undefined) => c !== undefined && /\p{L}/u.test(c);

/**
 * The last place text can be cut without changing its tokens, or -1. OpenAI's pre-tokenizers
 * (cl100k_base, o200k_base) never join a piece across these points, so the halves count to
 * the whole: right after a line break that a non-space follows (a piece holding a line break
 * ends at the first non-space after it), or right before a single space between a non-space
 * and a letter (the space opens the next word's piece).
 */
export function lastSafeCut(text: string): number {
  for (let i = text.length - 2; i >= 1; i--) {
    const c = text[i];
    if ((c === "\n" || c === "\r") && !isSpace(text[i + 1])) return i + 1;
    if (c === " " && !isSpace(text[i - 1]) && isLetter(text[i + 1])) return i;
  }
  return -1;
}

function codePoints(text: string): number {
  let n = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) n--;
  }
  return n;
}

/**
 * Counts a stream in bounded memory: 1 MB chunks, cut only where tokenization cannot change.
 * Text with no such place (one line of one letter, say) is held until one comes.
 */
export async function countStream(
  input: NodeJS.ReadableStream,
  encoder: Encoder,
  onProgress: (bytes: number) => void = () => {},
): Promise<StreamCount> {
  let carry = "";
  const total: StreamCount = { tokens: 0, characters: 0, bytes: 0 };
  input.setEncoding("utf8");
  for await (const chunk of input as AsyncIterable<string>) {
    total.bytes += Buffer.byteLength(chunk);
    total.characters += codePoints(chunk);
    carry += chunk;
    const cut = lastSafeCut(carry);
    if (cut > 0) {
      total.tokens += encoder.count(carry.slice(0, cut));
      carry = carry.slice(cut);
    }
    onProgress(total.bytes);
  }
  total.tokens += encoder.count(carry);
  return total;
}

export const openFile = (path: string) => createReadStream(path, { highWaterMark: CHUNK_BYTES });
