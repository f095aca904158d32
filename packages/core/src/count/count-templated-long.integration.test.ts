// every family and length (1 to 300 messages); the tests themselves are in `count-templated-long.test-helper.ts`.
import { FULL } from "../test-scale.test-helper.js";
import { defineLongConversationTests } from "./count-templated-long.test-helper.js";

defineLongConversationTests(FULL);
