// Entry `@tokenledger/core/encodings/o200k_harmony`: importing it makes `getEncoder("o200k_harmony")` work in `@tokenledger/core/lite`.
import { registerO200k } from "../openai-encodings/o200k.js";

registerO200k();
