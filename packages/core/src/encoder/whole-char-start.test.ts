// the fast part, a tenth of the runs over representative inputs; the tests themselves are in `whole-char-start.test-helper.ts`.
import { UNIT } from "../test-scale.test-helper.js";
import { defineWholeCharStartTests } from "./whole-char-start.test-helper.js";

defineWholeCharStartTests(UNIT);
