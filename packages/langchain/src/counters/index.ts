export { APPROXIMATE_MARGIN, countedWithoutData, missingDataMessage, withApproximateMargin } from "./approximate-margin.js";
export { messageType } from "./message-type.js";
export { type MessageFlag, toChatMessage } from "./to-chat-message.js";
export {
  type ChatModelLike,
  chatModelName,
  counterRules,
  createTokenCounter,
  type TokenCounter,
  type TokenCounterOptions,
  withTokenCounter,
} from "./token-counter.js";
