// Entry `@tokenledger/core/encodings/gpt2`: importing it makes `getEncoder("gpt2")` work in `@tokenledger/core/lite`.
import { registerR50k } from "../openai-encodings/r50k.js";

registerR50k();
