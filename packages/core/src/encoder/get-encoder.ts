import { createEncoder, type Encoder } from "./create-encoder.js";
import { ENCODINGS, type EncodingName, isEncodingName } from "./encodings.js";

const loaded = new Map<EncodingName, Encoder>();

/**
 * The encoder for a tiktoken encoding, built on first use from js-tiktoken's bundled
 * rank data and kept for the life of the process (at most one per encoding).
 * Never downloads anything.
 *
 * @example
 * ```ts
 * import { getEncoder } from "@tokenledger/core";
 * const enc = getEncoder("o200k_base");
 * enc.encode("hello world"); // [24912, 2375]
 * enc.count("人工智能");      // 2
 * ```
 */
export function getEncoder(encoding: EncodingName): Encoder {
  if (!isEncodingName(encoding)) throw new TypeError(`Unknown encoding "${String(encoding)}"`);
  let encoder = loaded.get(encoding);
  if (!encoder) {
    encoder = createEncoder(encoding, ENCODINGS[encoding]());
    loaded.set(encoding, encoder);
  }
  return encoder;
}
