import { createEncoder, type EncodingSpec, type OpenAIEncodingName } from "../encoder/index.js";
import { registerEncoding } from "../registry/index.js";

/** Makes each encoding of `specs` available to `getEncoder`; its encoder is built on first use. */
export function registerSpecs(specs: Partial<Record<OpenAIEncodingName, EncodingSpec>>): void {
  for (const [name, spec] of Object.entries(specs) as Array<[OpenAIEncodingName, EncodingSpec]>) {
    registerEncoding(name, () => createEncoder(name, spec));
  }
}
