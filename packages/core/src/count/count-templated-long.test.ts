// the fast part: three families and the lengths around 64; the tests themselves are in `count-templated-long.test-helper.ts`.
import { UNIT } from "../test-scale.test-helper.js";
import { defineLongConversationTests } from "./count-templated-long.test-helper.js";

defineLongConversationTests(UNIT);
