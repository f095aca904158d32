// Entry `@tokenledger/core/encodings/p50k_base`: importing it makes `getEncoder("p50k_base")` work in `@tokenledger/core/lite`.
import { registerP50k } from "../openai-encodings/p50k.js";

registerP50k();
