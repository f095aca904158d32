import type { IncomingMessage, ServerResponse } from "node:http";
import { llama3_0PromptTokens, llama3TextTokens, toTemplateMessages } from "./llama3-prompt-tokens.js";
import { listenLocal, logRequest, readJson, sendJson } from "./local-http.js";
import { promptTokens, textTokens, type WireMessage, type WireTool } from "./prompt-tokens.js";
import { type ChatRequest, echoReply, type Reply, type ServerError } from "./start-openai-server.js";

type Block =
  | { type: "text"; text: string }
  | { type: "tool_use"; id: string; name: string; input: unknown }
  | { type: "tool_result"; tool_use_id: string; content?: string | Array<{ type: string; text?: string }> }
  | { type: string; [key: string]: unknown };

/** A Messages API request body (the fields this server reads). */
export interface MessagesRequest {
  model: string;
  max_tokens: number;
  messages: Array<{ role: "user" | "assistant"; content: string | Block[] }>;
  system?: string | Array<{ type: string; text?: string }>;
  tools?: Array<{ name: string; description?: string; input_schema?: Record<string, unknown> }>;
  stream?: boolean;
  [key: string]: unknown;
}

export interface MessagesUsage {
  input_tokens: number;
  output_tokens: number;
}

export interface AnthropicServerOptions {
  /** What the assistant answers, given the request in the Chat Completions shape; default: an echo of the last user turn. */
  reply?: (request: ChatRequest) => Reply;
  /** Answer with an error instead. */
  fail?: (request: MessagesRequest) => ServerError | undefined;
  /** Input plus `max_tokens` over this many tokens is rejected with a 400, as Anthropic rejects it (see `refusal`). */
  contextWindow?: number;
  /**
   * The refusal's wording: "context-limit" (default; the API's current "input length and
   * `max_tokens` exceed context limit: A + B > M") or "prompt-too-long" ("prompt is too long: A
   * tokens > L maximum", where L is what the window leaves for the prompt after `max_tokens`).
   */
  refusal?: "context-limit" | "prompt-too-long";
  /**
   * How input and output tokens are counted. "llama3" (default): a tokenizer tokenledger does not
   * use for `claude-*` names, so the client's counts are estimates to calibrate: Llama 3 (3.0)'s chat
   * template over the messages, the system prompt first and the tool definitions (as JSON) after it.
   * "openai": OpenAI's chat rule with js-tiktoken.
   */
  counting?: "llama3" | "openai";
}

export interface AnthropicServer {
  /** `http://127.0.0.1:PORT`, for `ChatAnthropic`'s `anthropicApiUrl` (the SDK adds `/v1/messages`). */
  baseURL: string;
  /** Every Messages request received, newest last (the last 1,000). */
  requests: MessagesRequest[];
  /** The usage each answered request reported, newest last (the last 1,000). */
  usages: MessagesUsage[];
  close(): Promise<void>;
}

let messageCount = 0;

/**
 * Starts a deterministic Anthropic-compatible Messages API server on 127.0.0.1 (a random free
 * port): `POST /v1/messages`, non-streaming and SSE streaming, tool use, `usage.input_tokens` /
 * `output_tokens`, Anthropic's error shape and its context-window rejection (400).
 *
 * @example
 * ```ts
 * const server = await startAnthropicServer({ contextWindow: 2000 });
 * const model = new ChatAnthropic({ model: "claude-sonnet-4-5", apiKey: "test", anthropicApiUrl: server.baseURL });
 * await model.invoke("Hello");
 * await server.close();
 * ```
 */
export async function startAnthropicServer(options: AnthropicServerOptions = {}): Promise<AnthropicServer> {
  const requests: MessagesRequest[] = [];
  const usages: MessagesUsage[] = [];
  const server = await listenLocal(
    (req, res) => handle(req, res, options, requests, usages),
    (res, error) => sendError(res, { status: 500, type: "api_error", message: String(error) }),
  );
  return { baseURL: `http://127.0.0.1:${server.port}`, requests, usages, close: server.close };
}

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  options: AnthropicServerOptions,
  requests: MessagesRequest[],
  usages: MessagesUsage[],
): Promise<void> {
  if (req.method !== "POST" || !(req.url ?? "").split("?")[0]!.endsWith("/v1/messages")) {
    return sendError(res, { status: 404, type: "not_found_error", message: `Unknown route ${req.method} ${req.url}` });
  }
  const request = await readJson<MessagesRequest>(req);
  logRequest(requests, request);
  const failure = options.fail?.(request);
  if (failure) return sendError(res, failure);
  if (!Number.isInteger(request.max_tokens) || request.max_tokens < 1) {
    return sendError(res, { status: 400, type: "invalid_request_error", message: "max_tokens: Field required" });
  }
  const chat = toChatRequest(request);
  const llama3 = (options.counting ?? "llama3") === "llama3";
  const count = (text: string) => (llama3 ? llama3TextTokens(text) : textTokens(request.model, text));
  const input = llama3
    ? llama3_0PromptTokens(toTemplateMessages(withToolsInSystem(chat)))
    : promptTokens(request.model, chat.messages, chat.tools);
  if (options.contextWindow !== undefined && input + request.max_tokens > options.contextWindow) {
    return sendError(res, {
      status: 400,
      type: "invalid_request_error",
      message:
        options.refusal === "prompt-too-long"
          ? `prompt is too long: ${input} tokens > ${options.contextWindow - request.max_tokens} maximum`
          : `input length and \`max_tokens\` exceed context limit: ${input} + ${request.max_tokens} > ${options.contextWindow}, decrease input length or \`max_tokens\` and try again`,
    });
  }
  const reply = (options.reply ?? echoReply)(chat);
  const output = count(reply.content ?? "") + (reply.toolCalls ?? []).reduce((sum, c) => sum + count(c.name) + count(c.arguments), 0);
  const usage: MessagesUsage = { input_tokens: input, output_tokens: output };
  logRequest(usages, usage);
  const id = `msg_tokenledger_${++messageCount}`;
  const content = contentOf(reply, id);
  const stopReason = reply.toolCalls?.length ? "tool_use" : "end_turn";
  if (request.stream) return stream(res, id, request.model, content, stopReason, usage);
  sendJson(res, 200, {
    id,
    type: "message",
    role: "assistant",
    model: request.model,
    content,
    stop_reason: stopReason,
    stop_sequence: null,
    usage,
  });
}

/** The request in the Chat Completions shape: system first, tool_use as tool_calls, each tool_result as a tool message. */
export function toChatRequest(request: MessagesRequest): ChatRequest {
  const messages: WireMessage[] = [];
  const system = typeof request.system === "string" ? request.system : (request.system ?? []).map((b) => b.text ?? "").join("");
  if (system !== "") messages.push({ role: "system", content: system });
  for (const m of request.messages ?? []) {
    if (typeof m.content === "string") {
      messages.push({ role: m.role, content: m.content });
      continue;
    }
    const text = m.content.filter((b): b is { type: "text"; text: string } => b.type === "text").map((b) => b.text);
    const calls = m.content.filter((b): b is { type: "tool_use"; id: string; name: string; input: unknown } => b.type === "tool_use");
    for (const b of m.content) {
      if (b.type !== "tool_result") continue;
      const result = b as Extract<Block, { type: "tool_result" }>;
      const content = typeof result.content === "string" ? result.content : (result.content ?? []).map((p) => p.text ?? "").join("");
      messages.push({ role: "tool", content, tool_call_id: result.tool_use_id });
    }
    if (text.length > 0 || calls.length > 0) {
      messages.push({
        role: m.role,
        content: text.join(""),
        ...(calls.length > 0
          ? {
              tool_calls: calls.map((c) => ({
                id: c.id,
                type: "function",
                function: { name: c.name, arguments: JSON.stringify(c.input ?? {}) },
              })),
            }
          : {}),
      });
    }
  }
  const tools: WireTool[] = (request.tools ?? []).map((t) => ({
    function: { name: t.name, description: t.description, parameters: t.input_schema as WireTool["function"]["parameters"] },
  }));
  return { model: request.model, messages, tools, stream: request.stream, max_tokens: request.max_tokens };
}

function withToolsInSystem(chat: ChatRequest): WireMessage[] {
  if (!chat.tools?.length) return chat.messages;
  const tools = JSON.stringify(chat.tools.map((t) => t.function));
  const [first, ...rest] = chat.messages;
  if (first?.role === "system") return [{ role: "system", content: `${first.content}\n\n${tools}` }, ...rest];
  return [{ role: "system", content: tools }, ...chat.messages];
}

function contentOf(reply: Reply, id: string): Block[] {
  const blocks: Block[] = [];
  if (reply.content) blocks.push({ type: "text", text: reply.content });
  for (const [i, call] of (reply.toolCalls ?? []).entries()) {
    blocks.push({ type: "tool_use", id: `toolu_${id}_${i}`, name: call.name, input: JSON.parse(call.arguments || "{}") });
  }
  return blocks;
}

/**
 * Anthropic's event stream. `message_start` reports the input tokens and 0 output tokens (the API
 * sends a small placeholder there; LangChain adds it to `message_delta`'s final count, so 0 keeps the
 * sum equal to the reported output); `message_delta` carries the final output count.
 */
function stream(res: ServerResponse, id: string, model: string, content: Block[], stopReason: string, usage: MessagesUsage): void {
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" });
  const event = (type: string, data: Record<string, unknown>) =>
    res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
  event("message_start", {
    message: {
      id,
      type: "message",
      role: "assistant",
      model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { ...usage, output_tokens: 0 },
    },
  });
  for (const [index, block] of content.entries()) {
    if (block.type === "text") {
      event("content_block_start", { index, content_block: { type: "text", text: "" } });
      for (const piece of String(block.text).match(/\s*\S+/gu) ?? [])
        event("content_block_delta", { index, delta: { type: "text_delta", text: piece } });
    } else {
      const call = block as Extract<Block, { type: "tool_use" }>;
      event("content_block_start", { index, content_block: { ...call, input: {} } });
      event("content_block_delta", { index, delta: { type: "input_json_delta", partial_json: JSON.stringify(call.input) } });
    }
    event("content_block_stop", { index });
  }
  event("message_delta", { delta: { stop_reason: stopReason, stop_sequence: null }, usage: { output_tokens: usage.output_tokens } });
  event("message_stop", {});
  res.end();
}

function sendError(res: ServerResponse, error: ServerError): void {
  sendJson(res, error.status, { type: "error", error: { type: error.type ?? "api_error", message: error.message } });
}
