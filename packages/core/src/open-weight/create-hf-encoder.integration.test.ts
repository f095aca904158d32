// every input and every run; the tests themselves are in `create-hf-encoder.test-helper.ts`.
import { FULL } from "../test-scale.test-helper.js";
import { defineCreateHfEncoderTests } from "./create-hf-encoder.test-helper.js";

defineCreateHfEncoderTests(FULL);
