import type { TokenizerJson } from "./tokenizer-json.js";
import type { Vocabulary } from "./vocabulary.js";

/**
 * The bytes each token decodes to (not a copy), or `undefined` for an id outside the
 * vocabulary: a byte-level token's own bytes; a byte-fallback token (`<0xE4>`) its byte; other
 * tokens of a SentencePiece-style vocabulary their text with `▁` as a space. Added tokens go
 * through that step as the vocabulary's do: Gemma's whitespace tokens (`▁▁`) decode to spaces.
 */
export function createTokenBytes(json: TokenizerJson, vocabulary: Vocabulary, byteLevel: boolean): (id: number) => Uint8Array | undefined {
  const { table, fallbackIds, hasFallback } = vocabulary;
  const { bytes: pool, offsets, size } = table;
  const utf8 = new TextEncoder();
  // ignoreBOM: a token that starts with U+FEFF keeps it.
  const decoder = new TextDecoder("utf-8", { ignoreBOM: true });
  /** The decoder's `▁`-to-space step of the non-byte-level (SentencePiece-style) vocabularies. */
  const spaced = (text: string) => text.replaceAll("\u2581", " ");
  const addedText = new Map(json.added_tokens.map((t) => [t.id, utf8.encode(byteLevel ? t.content : spaced(t.content))]));
  return (id) => {
    const added = addedText.get(id);
    if (added) return added;
    if (!Number.isInteger(id) || id < 0 || id >= size || offsets[id + 1] === offsets[id]) return undefined;
    if (byteLevel) return pool.subarray(offsets[id]!, offsets[id + 1]!);
    const fallbackByte = fallbackIds.indexOf(id);
    if (hasFallback && fallbackByte >= 0) return Uint8Array.of(fallbackByte);
    return utf8.encode(spaced(decoder.decode(pool.subarray(offsets[id]!, offsets[id + 1]!))));
  };
}
