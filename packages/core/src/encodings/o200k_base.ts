// Entry `@tokenledger/core/encodings/o200k_base`: importing it makes `getEncoder("o200k_base")` work in `@tokenledger/core/lite`.
import { registerO200k } from "../openai-encodings/o200k.js";

registerO200k();
