export { BoundedMap } from "./bounded-map.js";
export { defaultDebugChannel, guardChannel, reportOnce } from "./debug-channel.js";
export { failureText } from "./failure-text.js";
export { durationMsOr, finiteNonNegativeOr, finitePositiveOr } from "./option-validators.js";
export { toToolDefinitions } from "./tool-definitions.js";
