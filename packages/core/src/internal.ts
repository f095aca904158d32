// `@tokenledger/core/internal`: helpers shared by tokenledger's own packages (langchain, otel,
// the CLI). Not for users: no semver promise, names and shapes change with any release; use the
// main entry instead. Built as its own bundle, it shares the main entry's state (the model and
// encoding registries live on `globalThis`), so `resetModelRegistry` here undoes a `registerModel`
// made through `@tokenledger/core`.
export {
  countPromptAndContext,
  countPromptTotal,
  langChainMessageType,
  langChainToChatMessage,
  type MessageFlag,
  type PromptAndContext,
  type PromptTotal,
} from "./count/index.js";
export { hasCutRules, isSafeCut, lastSafeCut } from "./encoder/index.js";
export { compilePricing, costInPico, findPrice, MAX_USD_PER_TOKEN, type PicoPrice, picoToUsd, resetModelRegistry } from "./models/index.js";
