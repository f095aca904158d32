// every input and every run; the tests themselves are in `whole-char-start.test-helper.ts`.
import { FULL } from "../test-scale.test-helper.js";
import { defineWholeCharStartTests } from "./whole-char-start.test-helper.js";

defineWholeCharStartTests(FULL);
