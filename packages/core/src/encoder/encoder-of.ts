import type { EncodingName } from "./encodings.js";
import { joinTokenBytes } from "./join-token-bytes.js";

/** An encoder: for OpenAI's encodings its ids equal tiktoken's, for open-weight ones `@huggingface/tokenizers`'. */
export interface Encoder {
  readonly name: EncodingName;
  /**
   * Token ids of `text`. In OpenAI's encodings special-token strings such as `<|endoftext|>` are
   * plain text; in an open-weight one an added token's text is that token, as servers count prompts.
   */
  encode(text: string): number[];
  /** The text of `ids`; special-token ids decode to their names. Throws a RangeError on an id outside the vocabulary. */
  decode(ids: ArrayLike<number>): string;
  /** `encode(text).length`, without building the array. Never throws: a non-string counts as 0. */
  count(text: string): number;
  /**
   * The bytes token `id` stands for (a copy), as `decode` joins them: a special token's its name's
   * UTF-8. `undefined` for an id outside the vocabulary. A token may hold part of a character.
   *
   * @example
   * ```ts
   * getEncoder("cl100k_base").tokenBytes(165); // Uint8Array [0xe9]: the first byte of "鳗", whose 3 bytes are 3 tokens
   * ```
   */
  tokenBytes(id: number): Uint8Array | undefined;
}

/**
 * The `Encoder` over an engine: `tokenize(text, out)` pushes the ids to `out` when given and
 * returns how many; `bytesOf(id)` is a token's bytes (not a copy), `undefined` outside the
 * vocabulary. Shared by the tiktoken-style and the open-weight encoders.
 */
export function encoderOf(
  name: EncodingName,
  tokenize: (text: string, out: number[] | undefined) => number,
  bytesOf: (id: number) => Uint8Array | undefined,
  decoder: { decode(bytes: Uint8Array): string },
): Encoder {
  return {
    name,
    encode(text) {
      const out: number[] = [];
      if (typeof text === "string") tokenize(text, out);
      return out;
    },
    count(text) {
      return typeof text === "string" ? tokenize(text, undefined) : 0;
    },
    decode(ids) {
      return decoder.decode(joinTokenBytes(ids, bytesOf));
    },
    tokenBytes(id) {
      return bytesOf(id)?.slice();
    },
  };
}
