// every input and every run; the tests themselves are in `count-templated.test-helper.ts`.
import { FULL } from "../test-scale.test-helper.js";
import { defineCountTemplatedTests } from "./count-templated.test-helper.js";

defineCountTemplatedTests(FULL);
