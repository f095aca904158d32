import { registerCl100k } from "./encoder/register-cl100k.js";
import { registerO200k } from "./encoder/register-o200k.js";
import { registerP50k } from "./encoder/register-p50k.js";
import { registerP50kEdit } from "./encoder/register-p50k-edit.js";
import { registerR50k } from "./encoder/register-r50k.js";

// The main entry keeps `getEncoder` synchronous for every OpenAI encoding, so it carries all
// their rank data; `@tokenledger/core/lite` plus one encoding entry carries only that one.
registerO200k();
registerCl100k();
registerP50k();
registerP50kEdit();
registerR50k();

export * from "./lite.js";
