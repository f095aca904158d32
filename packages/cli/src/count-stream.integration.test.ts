// Every encoding with cut rules, 300 runs each; the tests themselves are in `count-stream.test-helper.ts`.
import { defineCountStreamTests } from "./count-stream.test-helper.js";

defineCountStreamTests(true);
