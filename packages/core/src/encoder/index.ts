// The tiktoken-style counting engine (see `create-encoder.ts` for its pipeline): no rank data,
// no registry. Encodings' data lives in `openai-encodings/` and `open-weight/`.
export { createEncoder } from "./create-encoder.js";
export { type Encoder, encoderOf } from "./encoder-of.js";
export {
  ENCODING_NAMES,
  type EncodingName,
  type EncodingSpec,
  isEncodingName,
  isOpenWeightEncoding,
  OPEN_WEIGHT_ENCODING_NAMES,
  OPENAI_ENCODING_NAMES,
  type OpenAIEncodingName,
  type OpenWeightEncodingName,
} from "./encodings.js";
export type { PatternName } from "./hand-pre-tokenizer.js";
export { KeyHeap } from "./key-heap.js";
export { lowestAt, NONE } from "./lowest-at.js";
export { buildRankTable, lookupRank, type RankTable } from "./rank-table.js";
export { hasCutRules, isSafeCut, lastSafeCut } from "./safe-cut.js";
