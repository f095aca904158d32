// the fast part, a tenth of the runs over representative inputs; the tests themselves are in `chat-template-date.test-helper.ts`.
import { UNIT } from "../test-scale.test-helper.js";
import { defineChatTemplateDateTests } from "./chat-template-date.test-helper.js";

defineChatTemplateDateTests(UNIT);
