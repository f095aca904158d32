// Entry `@tokenledger/core/encodings/cl100k_base`: importing it makes `getEncoder("cl100k_base")` work in `@tokenledger/core/lite`.
import { registerCl100k } from "../openai-encodings/cl100k.js";

registerCl100k();
