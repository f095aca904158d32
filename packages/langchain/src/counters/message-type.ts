import { langChainMessageType } from "@tokenledger/core/internal";

/**
 * A LangChain message's type (`human`, `ai`, `system`, `tool`, ...) from `getType()`, a
 * `type` field or the older `_getType()`; `""` when it has none or its getter throws.
 *
 * @example
 * ```ts
 * messageType(new AIMessage("hi")); // "ai"
 * messageType({ type: "human" });    // "human"
 * ```
 */
export const messageType: (message: unknown) => string = langChainMessageType;
