import type { Encoder, EncodingName } from "../encoder/index.js";
import { isOpenWeightEncoding } from "../encoder/index.js";
import { fallbackEncodingName } from "../models/index.js";
import { registeredEncoder } from "../registry/index.js";
import { getEncoder } from "./get-encoder.js";

/**
 * The encoder of a loaded encoding, else of the fallback encoding: counting never throws
 * because an open-weight encoding's data was not loaded (the count is then an estimate).
 */
export function loadedEncoder(encoding: EncodingName): Encoder {
  return isOpenWeightEncoding(encoding) ? (registeredEncoder(encoding) ?? getEncoder(fallbackEncodingName())) : getEncoder(encoding);
}
