/** Built-in examples: what people get wrong about tokens. */
export const EXAMPLES: Array<{ label: string; text: string }> = [
  { label: "Chinese idiom", text: "画蛇添足" },
  { label: "人工智能", text: "人工智能正在改变世界。上下文窗口决定了模型一次能读多少文字。" },
  {
    label: "English",
    text: "The quick brown fox jumps over the lazy dog. Tokens are not words: 'unbelievable' and ' unbelievable' differ.",
  },
  { label: "Code", text: "export function add(a: number, b: number): number {\n  return a + b;\n}\n" },
  { label: "Emoji", text: "👩‍💻🎉 naïve café — “quotes”" },
  {
    label: "Chat JSON",
    text: JSON.stringify(
      {
        model: "gpt-4o",
        messages: [
          { role: "system", content: "You are a helpful assistant." },
          { role: "user", content: "What's the weather like in Paris? 用中文回答。" },
        ],
        tools: [
          {
            type: "function",
            function: {
              name: "get_weather",
              description: "Get the weather",
              parameters: { type: "object", properties: { city: { type: "string" } } },
            },
          },
        ],
      },
      null,
      2,
    ),
  },
];

export const MODELS = ["gpt-4o", "gpt-4o-mini", "gpt-4.1", "o3", "gpt-5", "gpt-4", "gpt-3.5-turbo"];
export const DEFAULT_MODELS = ["gpt-4o", "gpt-4"];
