// every input and every run; the tests themselves are in `hand-pre-tokenizer.test-helper.ts`.
import { FULL } from "../test-scale.test-helper.js";
import { defineHandPreTokenizerTests } from "./hand-pre-tokenizer.test-helper.js";

defineHandPreTokenizerTests(FULL);
