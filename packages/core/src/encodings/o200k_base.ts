// Entry `@tokenledger/core/encodings/o200k_base`: importing it makes `getEncoder("o200k_base")` work in `@tokenledger/core/lite`.
import { registerO200k } from "../encoder/register-o200k.js";

registerO200k();
