// The registries every build of core shares (kept on `globalThis`): encodings' encoders and
// open-weight models' chat templates, filled by the entries that carry their data.
export { chatTemplateFor, type RenderChat, registerChatTemplate } from "./chat-template-registry.js";
export { isEncodingLoaded, registerEncoding, registeredEncoder } from "./encoding-registry.js";
