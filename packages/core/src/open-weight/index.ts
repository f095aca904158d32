// Open-weight models' Hugging Face tokenizers and chat templates (Llama 3, Qwen, DeepSeek,
// Gemma, Mistral NeMo), registered by their entries `@tokenledger/core/encodings/<name>`.
export { createHfEncoder } from "./create-hf-encoder.js";
export { registerOpenWeight } from "./register-open-weight.js";
