// every input and every run; the tests themselves are in `unicode-classes.test-helper.ts`.
import { FULL } from "../test-scale.test-helper.js";
import { defineUnicodeClassesTests } from "./unicode-classes.test-helper.js";

defineUnicodeClassesTests(FULL);
