// For tests: registers an open-weight family from its npm package's files, as its entry
// `@tokenledger/core/encodings/<name>` does, without needing the built package.
import { createRequire } from "node:module";
import type { OpenWeightEncodingName } from "../encoder/index.js";
import { openWeightPackage } from "../loader/index.js";
import { registerOpenWeight } from "./register-open-weight.js";

const require = createRequire(import.meta.url);

/** The family's `tokenizer.json` and `tokenizer_config.json`, registered; returns them. */
export function registerPackage(family: OpenWeightEncodingName): { json: unknown; config: unknown } {
  const json = require(`${openWeightPackage(family)}/models/tokenizer.json`);
  const config = require(`${openWeightPackage(family)}/models/tokenizer_config.json`);
  registerOpenWeight(family, json, config);
  return { json, config };
}
