// the fast part, a tenth of the runs over representative inputs; the tests themselves are in `hand-pre-tokenizer.test-helper.ts`.
import { UNIT } from "../test-scale.test-helper.js";
import { defineHandPreTokenizerTests } from "./hand-pre-tokenizer.test-helper.js";

defineHandPreTokenizerTests(UNIT);
