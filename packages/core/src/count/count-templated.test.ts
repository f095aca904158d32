// the fast part, a tenth of the runs over representative inputs; the tests themselves are in `count-templated.test-helper.ts`.
import { UNIT } from "../test-scale.test-helper.js";
import { defineCountTemplatedTests } from "./count-templated.test-helper.js";

defineCountTemplatedTests(UNIT);
