// Entry `@tokenledger/core/encodings/r50k_base`: importing it makes `getEncoder("r50k_base")` work in `@tokenledger/core/lite`.
import { registerR50k } from "../openai-encodings/r50k.js";

registerR50k();
