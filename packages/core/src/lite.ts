// `@tokenledger/core/lite`: the whole API of `@tokenledger/core` without any rank data (its
// build swaps `builtin-encodings.ts` for an empty one). Import the entries of the encodings you
// use (`@tokenledger/core/encodings/o200k_base`, ...) so that a bundle carries only those.
export * from "./index.js";
