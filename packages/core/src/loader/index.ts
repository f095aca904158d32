// Getting an encoder: OpenAI's encodings built in (`builtin-encodings.ts`, swapped out in
// `lite`), the others loaded from their entries.
export { getEncoder, loadEncoding, type MissingPackageError, openWeightPackage } from "./get-encoder.js";
export { loadedEncoder } from "./loaded-encoder.js";
