import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseContextWindowError } from "./parse-context-window-error.js";

/** Each provider's wording, as its users quoted it in public issues (sources in the package README). */
const CASES = [
  {
    text: "This model's maximum context length is 16384 tokens. However, you requested 122946 tokens (112946 in the messages, 10000 in the completion). Please reduce the length of the messages or completion.",
    want: { format: "openai", maxTokens: 16384, requestedTokens: 122946, inputTokens: 112946, outputTokens: 10000 },
  },
  {
    text: "This model's maximum context length is 128000 tokens. However, your messages resulted in 130012 tokens (including 96 in the functions). Please reduce the length of the messages or functions.",
    want: { format: "openai", maxTokens: 128000, inputTokens: 130012 },
  },
  {
    text: "'max_tokens' or 'max_completion_tokens' is too large: 8000. This model's maximum context length is 4096 tokens and your request has 2778 input tokens (8000 > 4096 - 2778). None",
    want: { format: "vllm", maxTokens: 4096, inputTokens: 2778, outputTokens: 8000, requestedTokens: 10778 },
  },
  {
    text: "This model's maximum context length is 1536 tokens. However, your request has 4176 input tokens. Please reduce the length of the input messages.",
    want: { format: "vllm", maxTokens: 1536, inputTokens: 4176 },
  },
  {
    text: "This model's maximum context length is 2048 tokens. However, your request has 8 input tokens plus 2045 'max_tokens'. Please reduce one or the other.",
    want: { format: "vllm", maxTokens: 2048, inputTokens: 8, outputTokens: 2045, requestedTokens: 2053 },
  },
  {
    text: "prompt is too long: 208656 tokens > 200000 maximum",
    want: { format: "anthropic", inputTokens: 208656, maxTokens: 200000 },
  },
  {
    text: "input length and `max_tokens` exceed context limit: 197202 + 21333 > 200000, decrease input length or `max_tokens` and try again",
    want: { format: "anthropic", inputTokens: 197202, outputTokens: 21333, maxTokens: 200000, requestedTokens: 218535 },
  },
  {
    text: "Input validation error: `inputs` tokens + `max_new_tokens` must be <= 4096. Given: 4000 `inputs` tokens and 200 `max_new_tokens`",
    want: { format: "tgi", maxTokens: 4096, inputTokens: 4000, outputTokens: 200, requestedTokens: 4200 },
  },
  {
    text: "Input validation error: `inputs` must have less than 1024 tokens. Given: 1500",
    want: { format: "tgi", maxTokens: 1024, inputTokens: 1500 },
  },
  {
    text: "request (4476 tokens) exceeds the available context size (4096 tokens), try increasing it",
    want: { format: "llama.cpp", inputTokens: 4476, maxTokens: 4096 },
  },
  {
    text: "The input token count (1200293) exceeds the maximum number of tokens allowed (1048576).",
    want: { format: "google", inputTokens: 1200293, maxTokens: 1048576 },
  },
  { text: "the input length exceeds the context length", want: { format: "ollama" } },
] as const;

describe("parseContextWindowError", () => {
  for (const { text, want } of CASES) {
    it(`reads ${want.format}: ${text.slice(0, 60)}...`, () => {
      const refusal = parseContextWindowError(new Error(`400 ${text}`));
      expect(refusal).toEqual({ ...want, providerMessage: `400 ${text}` });
    });
  }

  it("reads the body of an SDK error, and llama.cpp's n_prompt_tokens / n_ctx fields", () => {
    const error = Object.assign(new Error("400 status code (no body)"), {
      error: {
        code: 400,
        message: "the request exceeds the available context size, try increasing it",
        type: "exceed_context_size_error",
        n_prompt_tokens: 5000,
        n_ctx: 4096,
      },
    });
    expect(parseContextWindowError(error)).toMatchObject({ format: "llama.cpp", inputTokens: 5000, maxTokens: 4096 });
    const anthropic = {
      status: 400,
      error: { type: "error", error: { type: "invalid_request_error", message: "prompt is too long: 1,234 tokens > 1,000 maximum" } },
    };
    expect(parseContextWindowError(anthropic)).toMatchObject({ format: "anthropic", inputTokens: 1234, maxTokens: 1000 });
    expect(parseContextWindowError({ code: "context_length_exceeded" })).toMatchObject({ format: "openai" });
  });

  it("is undefined for other errors, and never throws (property)", () => {
    expect(parseContextWindowError(new Error("429 Rate limit reached"))).toBeUndefined();
    expect(parseContextWindowError(undefined)).toBeUndefined();
    const hostile = {
      get message() {
        throw new Error("boom");
      },
    };
    expect(parseContextWindowError(hostile)).toBeUndefined();
    const cyclic: Record<string, unknown> = { message: "x" };
    cyclic.error = cyclic;
    expect(parseContextWindowError(cyclic)).toBeUndefined();
    fc.assert(
      fc.property(fc.anything(), (value) => {
        parseContextWindowError(value);
      }),
    );
  });
});
