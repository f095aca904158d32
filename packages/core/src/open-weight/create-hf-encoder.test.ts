// the fast part, a tenth of the runs over representative inputs; the tests themselves are in `create-hf-encoder.test-helper.ts`.
import { UNIT } from "../test-scale.test-helper.js";
import { defineCreateHfEncoderTests } from "./create-hf-encoder.test-helper.js";

defineCreateHfEncoderTests(UNIT);
