// every input and every run; the tests themselves are in `chat-template-date.test-helper.ts`.
import { FULL } from "../test-scale.test-helper.js";
import { defineChatTemplateDateTests } from "./chat-template-date.test-helper.js";

defineChatTemplateDateTests(FULL);
