// Entry `@tokenledger/core/encodings/p50k_edit`: importing it makes `getEncoder("p50k_edit")` work in `@tokenledger/core/lite`.
import { registerP50kEdit } from "../openai-encodings/p50k-edit.js";

registerP50kEdit();
