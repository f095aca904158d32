/** Which provider's wording a refusal was read from. */
export type RefusalFormat = "openai" | "vllm" | "anthropic" | "tgi" | "llama.cpp" | "ollama" | "google" | "unknown";

/**
 * A provider's refusal of a prompt for its length, with the sizes it states (each absent when the
 * provider does not state it). All sizes are the provider's own token counts.
 */
export interface ContextWindowRefusal {
  /** Prompt plus reserved output, as the provider added them up. */
  requestedTokens?: number;
  /** The prompt alone. */
  inputTokens?: number;
  /** The output reserved (`max_tokens`, `max_new_tokens`). */
  outputTokens?: number;
  /** The model's context window (for Google and TGI's input check: the input limit). */
  maxTokens?: number;
  /** Whose wording matched. */
  format: RefusalFormat;
  /** The provider's text. */
  providerMessage: string;
}

type Sizes = Omit<ContextWindowRefusal, "format" | "providerMessage">;
interface Rule {
  format: RefusalFormat;
  pattern: RegExp;
  read(m: RegExpMatchArray): Sizes;
}

const N = "(\\d[\\d,]*)";
const num = (s: string | undefined): number | undefined => {
  if (s === undefined) return undefined;
  const n = Number(s.replaceAll(",", ""));
  return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
};

/** The wordings, most specific first. Sources are in the recovery room's README section of the package README. */
const RULES: Rule[] = [
  // OpenAI (and vLLM before 0.6): "This model's maximum context length is M tokens. However, you requested N tokens (A in the messages, B in the completion)."
  {
    format: "openai",
    pattern: new RegExp(
      `maximum context length is ${N} tokens?\\.?\\s*However, you requested ${N} tokens?(?:\\s*\\(${N} in the messages, ${N} in the completion\\))?`,
      "i",
    ),
    read: (m) => ({ maxTokens: num(m[1]), requestedTokens: num(m[2]), inputTokens: num(m[3]), outputTokens: num(m[4]) }),
  },
  // OpenAI: "... maximum context length is M tokens. However, your messages resulted in N tokens (including X in the functions)."
  {
    format: "openai",
    pattern: new RegExp(`maximum context length is ${N} tokens?\\.?\\s*However, your messages resulted in ${N} tokens?`, "i"),
    read: (m) => ({ maxTokens: num(m[1]), inputTokens: num(m[2]) }),
  },
  // vLLM: "'max_tokens' or 'max_completion_tokens' is too large: B. This model's maximum context length is M tokens and your request has A input tokens (B > M - A)."
  {
    format: "vllm",
    pattern: new RegExp(
      `is too large: ${N}\\.\\s*This model's maximum context length is ${N} tokens? and your request has ${N} input tokens?`,
      "i",
    ),
    read: (m) => ({ outputTokens: num(m[1]), maxTokens: num(m[2]), inputTokens: num(m[3]) }),
  },
  // vLLM: "This model's maximum context length is M tokens. However, your request has A input tokens[ plus B 'max_tokens']."
  {
    format: "vllm",
    pattern: new RegExp(
      `maximum context length is ${N} tokens?\\.?\\s*(?:However, )?your request has ${N} input tokens?(?: plus ${N} 'max_tokens')?`,
      "i",
    ),
    read: (m) => ({ maxTokens: num(m[1]), inputTokens: num(m[2]), outputTokens: num(m[3]) }),
  },
  // Anthropic: "input length and `max_tokens` exceed context limit: A + B > M, decrease input length or `max_tokens` and try again"
  {
    format: "anthropic",
    pattern: new RegExp(`input length and .?max_tokens.? exceed context limit: ${N} \\+ ${N} > ${N}`, "i"),
    read: (m) => ({ inputTokens: num(m[1]), outputTokens: num(m[2]), maxTokens: num(m[3]) }),
  },
  // Anthropic: "prompt is too long: N tokens > M maximum"
  {
    format: "anthropic",
    pattern: new RegExp(`prompt is too long: ${N} tokens? > ${N} maximum`, "i"),
    read: (m) => ({ inputTokens: num(m[1]), maxTokens: num(m[2]) }),
  },
  // TGI: "Input validation error: `inputs` tokens + `max_new_tokens` must be <= M. Given: A `inputs` tokens and B `max_new_tokens`"
  {
    format: "tgi",
    pattern: new RegExp(
      `.?inputs.? tokens \\+ .?max_new_tokens.? must be <= ${N}\\. Given: ${N} .?inputs.? tokens and ${N} .?max_new_tokens`,
      "i",
    ),
    read: (m) => ({ maxTokens: num(m[1]), inputTokens: num(m[2]), outputTokens: num(m[3]) }),
  },
  // TGI: "Input validation error: `inputs` must have less than M tokens. Given: A"
  {
    format: "tgi",
    pattern: new RegExp(`.?inputs.? must have less than ${N} tokens\\. Given: ${N}`, "i"),
    read: (m) => ({ maxTokens: num(m[1]), inputTokens: num(m[2]) }),
  },
  // llama.cpp server: "request (N tokens) exceeds the available context size (M tokens), try increasing it"
  {
    format: "llama.cpp",
    pattern: new RegExp(`request \\(${N} tokens?\\) exceeds the available context size \\(${N} tokens?\\)`, "i"),
    read: (m) => ({ inputTokens: num(m[1]), maxTokens: num(m[2]) }),
  },
  // Google (Gemini, Vertex AI): "The input token count (N) exceeds the maximum number of tokens allowed (M)."
  {
    format: "google",
    pattern: new RegExp(`input token count \\(?${N}\\)? exceeds the maximum number of tokens allowed \\(?${N}\\)?`, "i"),
    read: (m) => ({ inputTokens: num(m[1]), maxTokens: num(m[2]) }),
  },
  // LM Studio / llama.cpp front ends: "Input length N exceeds context length M"
  {
    format: "llama.cpp",
    pattern: new RegExp(`input length ${N} exceeds context length ${N}`, "i"),
    read: (m) => ({ inputTokens: num(m[1]), maxTokens: num(m[2]) }),
  },
  // Wordings with no sizes.
  { format: "llama.cpp", pattern: /exceeds the available context size|exceed_context_size_error/i, read: () => ({}) },
  { format: "ollama", pattern: /input length exceeds (?:the )?context length/i, read: () => ({}) },
  { format: "openai", pattern: /context_length_exceeded|maximum context length/i, read: () => ({}) },
];

/** How far into an error object the provider's text is looked for. */
const MAX_DEPTH = 4;
/** The longest text read; refusals are short, and a huge body is not one. */
const MAX_TEXT = 4_000;

/**
 * Reads a provider's context-length refusal out of an error (an SDK error, LangChain's wrapper,
 * a parsed body, or a string): the sizes it states and whose wording it is; `undefined` for any
 * other error. Never throws. Understands OpenAI's `context_length_exceeded`, vLLM's, Anthropic's
 * two wordings, TGI's, llama.cpp's (its `n_prompt_tokens` / `n_ctx` fields too), Ollama's and
 * Google's.
 *
 * @example
 * ```ts
 * parseContextWindowError(new Error("400 prompt is too long: 208656 tokens > 200000 maximum"));
 * // { format: "anthropic", inputTokens: 208656, maxTokens: 200000, providerMessage: "..." }
 * ```
 */
export function parseContextWindowError(error: unknown): ContextWindowRefusal | undefined {
  try {
    const texts: string[] = [];
    const fields: Record<string, unknown> = {};
    collect(error, texts, fields, 0, new Set());
    for (const text of texts) {
      for (const rule of RULES) {
        const match = text.match(rule.pattern);
        if (!match) continue;
        const sizes = withFields(rule.read(match), fields);
        return { ...complete(sizes), format: rule.format, providerMessage: text.slice(0, MAX_TEXT) };
      }
    }
    if (fields.code === "context_length_exceeded" || fields.type === "exceed_context_size_error") {
      return { ...complete(withFields({}, fields)), format: fields.code ? "openai" : "llama.cpp", providerMessage: texts[0] ?? "" };
    }
    return undefined;
  } catch {
    return undefined;
  }
}

/** The texts and the few structured fields of an error, its `error`, `cause`, `response` and `body`, depth first. */
function collect(value: unknown, texts: string[], fields: Record<string, unknown>, depth: number, seen: Set<unknown>): void {
  if (depth > MAX_DEPTH || value === null || value === undefined || seen.has(value)) return;
  if (typeof value === "string") {
    texts.push(value.slice(0, MAX_TEXT));
    return;
  }
  if (typeof value !== "object") return;
  seen.add(value);
  const v = value as Record<string, unknown>;
  if (typeof v.message === "string") texts.push(v.message.slice(0, MAX_TEXT));
  for (const key of ["code", "type", "n_prompt_tokens", "n_ctx"] as const) {
    if (fields[key] === undefined && (typeof v[key] === "string" || typeof v[key] === "number")) fields[key] = v[key];
  }
  for (const key of ["error", "cause", "response", "body", "data"]) collect(v[key], texts, fields, depth + 1, seen);
}

/** llama.cpp's structured sizes fill in what its text did not state. */
function withFields(sizes: Sizes, fields: Record<string, unknown>): Sizes {
  const prompt = typeof fields.n_prompt_tokens === "number" ? fields.n_prompt_tokens : undefined;
  const window = typeof fields.n_ctx === "number" ? fields.n_ctx : undefined;
  return { ...sizes, inputTokens: sizes.inputTokens ?? prompt, maxTokens: sizes.maxTokens ?? window };
}

/** Fills the sum from its parts (or a part from the sum) and leaves out what is unknown. */
function complete(sizes: Sizes): Sizes {
  let { requestedTokens, inputTokens, outputTokens } = sizes;
  if (requestedTokens === undefined && inputTokens !== undefined && outputTokens !== undefined)
    requestedTokens = inputTokens + outputTokens;
  if (inputTokens === undefined && requestedTokens !== undefined && outputTokens !== undefined)
    inputTokens = requestedTokens - outputTokens;
  const out: Sizes = {};
  if (requestedTokens !== undefined) out.requestedTokens = requestedTokens;
  if (inputTokens !== undefined) out.inputTokens = inputTokens;
  if (outputTokens !== undefined) out.outputTokens = outputTokens;
  if (sizes.maxTokens !== undefined) out.maxTokens = sizes.maxTokens;
  return out;
}
