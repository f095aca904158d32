import type { IncomingMessage, ServerResponse } from "node:http";
import { isLlama3_0, llama3_0PromptTokens, llama3PromptTokens, llama3TextTokens, toVllmMessages } from "./llama3-prompt-tokens.js";
import { listenLocal, logRequest, readJson, sendJson } from "./local-http.js";
import { promptTokens, textTokens, type WireMessage, type WireTool } from "./prompt-tokens.js";

export interface ChatRequest {
  model: string;
  messages: WireMessage[];
  tools?: WireTool[];
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
  max_tokens?: number;
  max_completion_tokens?: number;
  [key: string]: unknown;
}

export interface Reply {
  content?: string;
  toolCalls?: Array<{ name: string; arguments: string }>;
}

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details?: { cached_tokens?: number };
  completion_tokens_details?: { reasoning_tokens?: number };
}

export interface ServerError {
  status: number;
  message: string;
  type?: string;
  code?: string;
}

export interface OpenAIServerOptions {
  /** What the assistant answers; default: a short deterministic echo of the last user turn. */
  reply?: (request: ChatRequest) => Reply;
  /** The usage to report; default: OpenAI's chat rule counted with js-tiktoken. */
  usage?: (request: ChatRequest, reply: Reply, counted: Usage) => Usage;
  /** Answer with an error instead. */
  fail?: (request: ChatRequest) => ServerError | undefined;
  /** Prompts (plus max_tokens) over this many tokens are rejected as OpenAI rejects them (see `refusal`). */
  contextWindow?: number;
  /**
   * Whose context-length refusal to answer with, each in that server's status, body shape and
   * wording, with the sizes: "openai" (default; 400 `context_length_exceeded`, "you requested N
   * tokens (A in the messages, B in the completion)"), "vllm" (400, "your request has A input
   * tokens plus B 'max_tokens'"), "tgi" (422, "`inputs` tokens + `max_new_tokens` must be <= M"),
   * "llama.cpp" (400 `exceed_context_size_error` with `n_prompt_tokens` and `n_ctx`), "ollama" (400,
   * no sizes), "google" (400 INVALID_ARGUMENT, "The input token count (A) exceeds the maximum
   * number of tokens allowed (M - B)": Gemini states the input limit).
   */
  refusal?: Refusal;
  /** Pause between streamed chunks, so that a test can abort a stream midway. */
  chunkDelayMs?: number;
  /**
   * How usage is counted: "openai" (default) by OpenAI's chat rule with js-tiktoken; "llama3" as
   * vLLM serving Llama 3.1 (3.2, 3.3) counts it: the model's chat template rendered with the
   * messages as vLLM passes them and the tools, then its tokenizer; Llama 3 (3.0) names
   * (`llama3:8b`, `Meta-Llama-3-8B-Instruct`) by Llama 3's template, which renders no tools. A
   * request the template refuses (several tool calls in one message) gets a 400, as vLLM's.
   */
  counting?: "openai" | "llama3";
}

export type Refusal = "openai" | "vllm" | "tgi" | "llama.cpp" | "ollama" | "google";

export interface OpenAIServer {
  /** `http://127.0.0.1:PORT/v1`, for `ChatOpenAI`'s `configuration.baseURL`. */
  baseURL: string;
  /** Every chat request received, newest last (the last 1,000). */
  requests: ChatRequest[];
  close(): Promise<void>;
}

let completions = 0;
/** Each completion has its own id, as OpenAI's do: LangChain uses it as the message id, and agents merge messages by id. */
const nextId = () => `chatcmpl-tokenledger-${++completions}`;

/**
 * Starts a deterministic OpenAI-compatible Chat Completions server on 127.0.0.1 (a random
 * free port): non-streaming and SSE streaming with `stream_options.include_usage`, tool
 * calls, OpenAI's error shape and its context-length rejection.
 *
 * @example
 * ```ts
 * const server = await startOpenAIServer({ contextWindow: 4096 });
 * const model = new ChatOpenAI({ model: "gpt-4o-mini", apiKey: "test", configuration: { baseURL: server.baseURL } });
 * await model.invoke("Hello");
 * await server.close();
 * ```
 */
export async function startOpenAIServer(options: OpenAIServerOptions = {}): Promise<OpenAIServer> {
  const requests: ChatRequest[] = [];
  const server = await listenLocal(
    (req, res) => handle(req, res, options, requests),
    (res, error) => sendError(res, { status: 500, message: String(error), type: "server_error" }),
  );
  return { baseURL: `http://127.0.0.1:${server.port}/v1`, requests, close: server.close };
}

async function handle(req: IncomingMessage, res: ServerResponse, options: OpenAIServerOptions, requests: ChatRequest[]): Promise<void> {
  if (req.method !== "POST" || !req.url?.endsWith("/chat/completions")) {
    return sendError(res, { status: 404, message: `Unknown route ${req.method} ${req.url}`, type: "invalid_request_error" });
  }
  const request = await readJson<ChatRequest>(req);
  logRequest(requests, request);

  const failure = options.fail?.(request);
  if (failure) return sendError(res, failure);
  const llama3 = options.counting === "llama3";
  const text = (t: string) => (llama3 ? llama3TextTokens(t) : textTokens(request.model, t));
  let prompt: number;
  try {
    prompt = !llama3
      ? promptTokens(request.model, request.messages, request.tools)
      : isLlama3_0(request.model)
        ? llama3_0PromptTokens(toVllmMessages(request.messages))
        : llama3PromptTokens(toVllmMessages(request.messages), request.tools);
  } catch (error) {
    return sendError(res, { status: 400, type: "BadRequestError", message: error instanceof Error ? error.message : String(error) });
  }
  const maxOutput = request.max_completion_tokens ?? request.max_tokens ?? 0;
  if (options.contextWindow !== undefined && prompt + maxOutput > options.contextWindow) {
    return refuse(res, options.refusal ?? "openai", prompt, maxOutput, options.contextWindow);
  }
  const reply = (options.reply ?? echoReply)(request);
  const completion = text(reply.content ?? "") + (reply.toolCalls ?? []).reduce((sum, c) => sum + text(c.name) + text(c.arguments), 0);
  const counted: Usage = { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
  const usage = options.usage ? options.usage(request, reply, counted) : counted;
  const id = nextId();
  if (request.stream) return stream(res, id, request, reply, usage, options.chunkDelayMs ?? 0);
  sendJson(res, 200, {
    id,
    object: "chat.completion",
    created: 1764288000,
    model: request.model,
    choices: [{ index: 0, message: wireMessage(reply), finish_reason: reply.toolCalls?.length ? "tool_calls" : "stop", logprobs: null }],
    usage,
  });
}

export function echoReply(request: ChatRequest): Reply {
  const last = [...request.messages].reverse().find((m) => m.role === "user");
  const text = typeof last?.content === "string" ? last.content : (last?.content ?? []).map((p) => p.text ?? "").join("");
  return { content: `You said: ${text.slice(0, 60)}` };
}

function wireMessage(reply: Reply) {
  return {
    role: "assistant",
    content: reply.content ?? null,
    ...(reply.toolCalls?.length
      ? {
          tool_calls: reply.toolCalls.map((c, i) => ({
            id: `call_${i}`,
            type: "function",
            function: { name: c.name, arguments: c.arguments },
          })),
        }
      : {}),
  };
}

async function stream(res: ServerResponse, id: string, request: ChatRequest, reply: Reply, usage: Usage, delayMs: number): Promise<void> {
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" });
  const base = { id, object: "chat.completion.chunk", created: 1764288000, model: request.model };
  const write = async (payload: unknown) => {
    if (res.destroyed) return;
    res.write(`data: ${JSON.stringify(payload)}\n\n`);
    if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
  };
  const includeUsage = request.stream_options?.include_usage === true;
  const delta = (d: unknown, finish: string | null = null) => ({
    ...base,
    choices: [{ index: 0, delta: d, finish_reason: finish }],
    ...(includeUsage ? { usage: null } : {}),
  });
  await write(delta({ role: "assistant", content: "" }));
  for (const piece of (reply.content ?? "").match(/\s*\S+/gu) ?? []) await write(delta({ content: piece }));
  for (const [index, call] of (reply.toolCalls ?? []).entries()) {
    await write(delta({ tool_calls: [{ index, id: `call_${index}`, type: "function", function: { name: call.name, arguments: "" } }] }));
    await write(delta({ tool_calls: [{ index, function: { arguments: call.arguments } }] }));
  }
  await write(delta({}, reply.toolCalls?.length ? "tool_calls" : "stop"));
  if (includeUsage) await write({ ...base, choices: [], usage });
  if (!res.destroyed) res.end("data: [DONE]\n\n");
}

/** A context-length refusal as each server sends it (status, body shape, wording), with the sizes. */
function refuse(res: ServerResponse, refusal: Refusal, prompt: number, maxOutput: number, window: number): void {
  const { status, body } = refusalBody(refusal, prompt, maxOutput, window);
  sendJson(res, status, body);
}

function refusalBody(refusal: Refusal, prompt: number, maxOutput: number, window: number): { status: number; body: unknown } {
  switch (refusal) {
    case "vllm":
      return {
        status: 400,
        body: {
          error: {
            message: `This model's maximum context length is ${window} tokens. However, your request has ${prompt} input tokens plus ${maxOutput} 'max_tokens'. Please reduce one or the other. (parameter=input_tokens, max_tokens, value=(${prompt}, ${maxOutput}))`,
            type: "BadRequestError",
            param: "input_tokens, max_tokens",
            code: 400,
          },
        },
      };
    case "tgi":
      return {
        status: 422,
        body: {
          error: `Input validation error: \`inputs\` tokens + \`max_new_tokens\` must be <= ${window}. Given: ${prompt} \`inputs\` tokens and ${maxOutput} \`max_new_tokens\``,
          error_type: "validation",
        },
      };
    case "llama.cpp":
      // llama.cpp checks the prompt against its context; here that is what the window leaves after max_tokens.
      return {
        status: 400,
        body: {
          error: {
            code: 400,
            message: `request (${prompt} tokens) exceeds the available context size (${window - maxOutput} tokens), try increasing it`,
            type: "exceed_context_size_error",
            n_prompt_tokens: prompt,
            n_ctx: window - maxOutput,
          },
        },
      };
    case "ollama":
      return { status: 400, body: { error: "the input length exceeds the context length" } };
    case "google":
      // Gemini states the input limit.
      return {
        status: 400,
        body: {
          error: {
            code: 400,
            message: `The input token count (${prompt}) exceeds the maximum number of tokens allowed (${window - maxOutput}).`,
            status: "INVALID_ARGUMENT",
          },
        },
      };
    default:
      return {
        status: 400,
        body: {
          error: {
            message: `This model's maximum context length is ${window} tokens. However, you requested ${prompt + maxOutput} tokens (${prompt} in the messages, ${maxOutput} in the completion). Please reduce the length of the messages or completion.`,
            type: "invalid_request_error",
            param: null,
            code: "context_length_exceeded",
          },
        },
      };
  }
}

function sendError(res: ServerResponse, error: ServerError): void {
  sendJson(res, error.status, {
    error: { message: error.message, type: error.type ?? "server_error", param: null, code: error.code ?? null },
  });
}
