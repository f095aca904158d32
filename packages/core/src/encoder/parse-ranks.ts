const BASE64_VALUES = (() => {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const values = new Int8Array(128).fill(-1);
  for (let i = 0; i < alphabet.length; i++) values[alphabet.charCodeAt(i)] = i;
  return values;
})();

export interface ParsedRanks {
  bytes: Uint8Array;
  offsets: Uint32Array;
}

/**
 * Parses js-tiktoken's compressed rank format: lines of `! <first rank> <base64 token>...`,
 * tokens ranked consecutively from the first rank. Decodes straight from the string
 * into one byte pool, without creating a string per token. Ranks a line skips
 * (reserved for special tokens) become empty entries that never match.
 */
export function parseRanks(data: string): ParsedRanks {
  const lines = data.split("\n").filter(Boolean);
  let tokenCount = 0;
  for (const line of lines) tokenCount = Math.max(tokenCount, firstRank(line) + countSpaces(line) - 1);
  const offsets = new Uint32Array(tokenCount + 1);
  const bytes = new Uint8Array(Math.ceil((data.length * 3) / 4));
  let written = 0;
  let rank = 0;
  for (const line of lines) {
    for (const first = firstRank(line); rank < first; rank++) offsets[rank + 1] = written;
    let pos = line.indexOf(" ", line.indexOf(" ") + 1) + 1;
    while (pos < line.length) {
      let bits = 0;
      let bitCount = 0;
      let c = line.charCodeAt(pos);
      while (pos < line.length && c !== 32) {
        if (c !== 61) {
          bits = ((bits << 6) | BASE64_VALUES[c]!) & 0xffff;
          bitCount += 6;
          if (bitCount >= 8) {
            bitCount -= 8;
            bytes[written++] = (bits >> bitCount) & 0xff;
          }
        }
        c = line.charCodeAt(++pos);
      }
      pos++;
      offsets[++rank] = written;
    }
  }
  return { bytes: bytes.slice(0, written), offsets };
}

function firstRank(line: string): number {
  const firstSpace = line.indexOf(" ");
  return Number(line.slice(firstSpace + 1, line.indexOf(" ", firstSpace + 1)));
}

function countSpaces(line: string): number {
  let spaces = 0;
  for (let i = 0; i < line.length; i++) if (line.charCodeAt(i) === 32) spaces++;
  return spaces;
}
