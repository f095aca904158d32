// The fast part; the tests themselves are in `count-stream.test-helper.ts`.
import { defineCountStreamTests } from "./count-stream.test-helper.js";

defineCountStreamTests(false);
