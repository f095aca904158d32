import type { Encoder } from "@tokenledger/core";

const lossy = new TextDecoder();
const utf8 = new TextEncoder();
/** The longest token of an OpenAI encoding is under 256 bytes. */
const MAX_TOKEN_BYTES = 256;

/**
 * The bytes of each token of `ids` = `encoder.encode(text)`. A token that is part of a character
 * decodes to U+FFFD, so its bytes are found by tiling the text's UTF-8 with the tokens in order:
 * each token takes the bytes whose lossy decoding equals its own, and the tiling must reach the end.
 *
 * @example
 * ```ts
 * const enc = getEncoder("cl100k_base");
 * tokenBytes(enc, "人", enc.encode("人")); // [Uint8Array [0xe4, 0xba], Uint8Array [0xba]]
 * ```
 */
export function tokenBytes(encoder: Encoder, text: string, ids: number[]): Uint8Array[] {
  if (ids.length === 0) return [];
  const all = utf8.encode(text);
  const decoded = ids.map((id) => encoder.decode([id]));
  const key = (i: number, at: number) => i * (all.length + 1) + at;
  const pos = [0];
  /**
   * Byte lengths token `i` may have when it starts at `at`: its exact text, else every length whose
   * lossy decoding equals its own and, with the previous token's bytes, the pair's (`e8` and `e8 aa`
   * both decode to one U+FFFD; the pair tells them apart).
   */
  const candidates = (i: number, at: number): number[] => {
    const d = decoded[i]!;
    if (!d.includes("\uFFFD")) {
      const bytes = utf8.encode(d);
      return bytes.length && equal(all, at, bytes) ? [bytes.length] : [];
    }
    const pair = i > 0 ? encoder.decode([ids[i - 1]!, ids[i]!]) : undefined;
    const found: number[] = [];
    for (let n = 1; n <= MAX_TOKEN_BYTES && at + n <= all.length; n++)
      if (lossy.decode(all.subarray(at, at + n)) === d && (pair === undefined || lossy.decode(all.subarray(pos[i - 1]!, at + n)) === pair))
        found.push(n);
    return found;
  };
  // A depth-first search without recursion (a long text has many tokens); dead ends are remembered.
  const failed = new Set<number>();
  const cands: number[][] = [candidates(0, 0)];
  const pick = [-1];
  let i = 0;
  while (i >= 0 && i < ids.length) {
    pick[i]!++;
    if (pick[i]! >= cands[i]!.length) {
      failed.add(key(i, pos[i]!));
      i--;
      continue;
    }
    pos[i + 1] = pos[i]! + cands[i]![pick[i]!]!;
    if (i + 1 === ids.length) {
      if (pos[i + 1] === all.length) break;
      continue;
    }
    if (failed.has(key(i + 1, pos[i + 1]!))) continue;
    i++;
    cands[i] = candidates(i, pos[i]!);
    pick[i] = -1;
  }
  if (i < 0) return decoded.map((d) => utf8.encode(d));
  return ids.map((_, k) => all.subarray(pos[k]!, pos[k + 1]!));
}

function equal(all: Uint8Array, at: number, bytes: Uint8Array): boolean {
  if (at + bytes.length > all.length) return false;
  for (let k = 0; k < bytes.length; k++) if (all[at + k] !== bytes[k]) return false;
  return true;
}

/** A token's bytes as text, with bytes that are not whole UTF-8 characters shown as `<0xE4 0xBD>`. */
export function showBytes(bytes: Uint8Array): string {
  const fatal = new TextDecoder("utf-8", { fatal: true });
  let shown = "";
  let invalid: string[] = [];
  const flush = () => {
    if (invalid.length) shown += `<${invalid.join(" ")}>`;
    invalid = [];
  };
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i]!;
    const n = b < 0x80 ? 1 : b >= 0xf0 && b < 0xf8 ? 4 : b >= 0xe0 ? 3 : b >= 0xc2 ? 2 : 0;
    let char: string | undefined;
    if (n > 0 && i + n <= bytes.length) {
      try {
        char = fatal.decode(bytes.subarray(i, i + n));
      } catch {}
    }
    if (char === undefined) {
      invalid.push(`0x${b.toString(16).toUpperCase().padStart(2, "0")}`);
      i++;
    } else {
      flush();
      shown += char;
      i += n;
    }
  }
  flush();
  return shown;
}
