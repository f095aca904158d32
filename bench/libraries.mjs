// The tokenizers compared, each used the way its README shows, counting plain text
// (special-token strings as text). A loader returns undefined for an encoding its library lacks.
export const LIBRARIES = {
  tokenledger: async (encoding) => {
    const { getEncoder } = await import("@tokenledger/core");
    const encoder = getEncoder(encoding);
    return (text) => encoder.count(text);
  },
  "js-tiktoken": async (encoding) => {
    const { getEncoding } = await import("js-tiktoken");
    const encoder = getEncoding(encoding);
    return (text) => encoder.encode(text, "all", []).length;
  },
  "gpt-tokenizer": async (encoding) => {
    const module = await import(`gpt-tokenizer/encoding/${encoding}`);
    const none = new Set();
    return (text) => module.countTokens(text, { disallowedSpecial: none });
  },
  "tiktoken (WASM)": async (encoding) => {
    const { get_encoding } = await import("tiktoken");
    const encoder = get_encoding(encoding);
    return (text) => encoder.encode_ordinary(text).length;
  },
  "tiktoken (native)": async (encoding) => {
    // OpenAI's Rust tiktoken through a Node-API binding whose npm package ships prebuilt binaries; cl100k_base only.
    if (encoding !== "cl100k_base") return undefined;
    const { default: tiktoken } = await import("tiktoken-node");
    const encoder = tiktoken.getEncoding(encoding);
    return (text) => encoder.encode(text).length;
  },
};
