// every input and every run; the tests themselves are in `create-encoder.test-helper.ts`.
import { FULL } from "../test-scale.test-helper.js";
import { defineCreateEncoderTests } from "./create-encoder.test-helper.js";

defineCreateEncoderTests(FULL);
