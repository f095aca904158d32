/**
 * GPT-2's byte-level alphabet: every byte is written as one printable character, so that a
 * byte-level vocabulary (Llama 3, Qwen, DeepSeek) can spell any byte sequence. Printable
 * Latin-1 bytes stand for themselves; the other 68 bytes map to U+0100 and up, in order.
 */
export const BYTE_OF_CHAR: ReadonlyMap<number, number> = (() => {
  const printable = (b: number) => (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
  const map = new Map<number, number>();
  let next = 0;
  for (let b = 0; b < 256; b++) map.set(printable(b) ? b : 256 + next++, b);
  return map;
})();

/** The bytes a byte-level token string stands for, or `undefined` when some character is outside the alphabet. */
export function byteLevelBytes(token: string): Uint8Array | undefined {
  const out = new Uint8Array(token.length);
  for (let i = 0; i < token.length; i++) {
    const b = BYTE_OF_CHAR.get(token.charCodeAt(i));
    if (b === undefined) return undefined;
    out[i] = b;
  }
  return out;
}
