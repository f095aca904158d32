// the fast part, a tenth of the runs over representative inputs; the tests themselves are in `unicode-classes.test-helper.ts`.
import { UNIT } from "../test-scale.test-helper.js";
import { defineUnicodeClassesTests } from "./unicode-classes.test-helper.js";

defineUnicodeClassesTests(UNIT);
