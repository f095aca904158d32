import { libraryConfig } from "../../tsup.library";

// shims: the CJS build resolves the tokenizer files with createRequire(import.meta.url) too.
export default { ...libraryConfig(), shims: true };
