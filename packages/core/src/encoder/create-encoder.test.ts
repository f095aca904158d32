// the fast part, a tenth of the runs over representative inputs; the tests themselves are in `create-encoder.test-helper.ts`.
import { UNIT } from "../test-scale.test-helper.js";
import { defineCreateEncoderTests } from "./create-encoder.test-helper.js";

defineCreateEncoderTests(UNIT);
