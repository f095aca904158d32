import { AsyncLocalStorage } from "node:async_hooks";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { StringOutputParser } from "@langchain/core/output_parsers";
import { RunnableLambda } from "@langchain/core/runnables";
import { ChatOpenAI } from "@langchain/openai";
import { type Context, type ContextManager, context, ROOT_CONTEXT, trace } from "@opentelemetry/api";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { BasicTracerProvider, BatchSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { TokenLedgerHandler } from "@tokenledger/langchain";
import { type OpenAIServer, startOpenAIServer } from "@tokenledger/openai-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { instrumentLedgerSpans } from "./instrument-ledger-spans.js";

// #33 item 4: spans through the real SDK and the OTLP/HTTP exporter (JSON), decoded by a local receiver.

interface OtlpValue {
  stringValue?: string;
  intValue?: string | number;
  doubleValue?: number;
  boolValue?: boolean;
  arrayValue?: { values?: OtlpValue[] };
}
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: Array<{ key: string; value: OtlpValue }>;
  status?: { code?: number; message?: string };
}

const decode = (value: OtlpValue): unknown =>
  value.stringValue ??
  (value.intValue !== undefined ? Number(value.intValue) : undefined) ??
  value.doubleValue ??
  value.boolValue ??
  value.arrayValue?.values?.map(decode);
const attributesOf = (span: OtlpSpan) => Object.fromEntries(span.attributes.map((a) => [a.key, decode(a.value)]));

/** A minimal OTLP/HTTP trace receiver: keeps every span it is sent, decoded from JSON. */
async function startReceiver(): Promise<{ url: string; spans: OtlpSpan[]; contentTypes: string[]; close: () => Promise<void> }> {
  const spans: OtlpSpan[] = [];
  const contentTypes: string[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      contentTypes.push(String(req.headers["content-type"]));
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as {
        resourceSpans: Array<{ scopeSpans: Array<{ scope: { name: string }; spans: OtlpSpan[] }> }>;
      };
      for (const resource of body.resourceSpans) for (const scope of resource.scopeSpans) spans.push(...scope.spans);
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1/traces`,
    spans,
    contentTypes,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** The context manager an app registers (as @opentelemetry/context-async-hooks does), on AsyncLocalStorage. */
class AlsContextManager implements ContextManager {
  readonly #storage = new AsyncLocalStorage<Context>();
  active(): Context {
    return this.#storage.getStore() ?? ROOT_CONTEXT;
  }
  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(
    ctx: Context,
    fn: F,
    thisArg?: ThisParameterType<F>,
    ...args: A
  ): ReturnType<F> {
    return this.#storage.run(ctx, () => fn.apply(thisArg, args));
  }
  bind<T>(_ctx: Context, target: T): T {
    return target;
  }
  enable(): this {
    return this;
  }
  disable(): this {
    this.#storage.disable();
    return this;
  }
}

let server: OpenAIServer;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
beforeAll(async () => {
  server = await startOpenAIServer();
  receiver = await startReceiver();
});
afterAll(async () => {
  await server.close();
  await receiver.close();
});

describe("instrumentLedgerSpans with the OpenTelemetry SDK and the OTLP/HTTP exporter", () => {
  const model = () => new ChatOpenAI({ model: "gpt-4o-mini", apiKey: "test", maxRetries: 0, configuration: { baseURL: server.baseURL } });

  it("exports one span per model run with the GenAI attributes, in the trace of the caller's runId, under one parent", async () => {
    const tracerProvider = new BasicTracerProvider({
      spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: receiver.url }))],
    });
    const ledger = new TokenLedgerHandler();
    instrumentLedgerSpans(ledger, { tracerProvider });
    // Two model calls in one chain: the second answers the first's output.
    const chain = model()
      .pipe(new StringOutputParser())
      .pipe(RunnableLambda.from((text: string) => `Shorten: ${text}`))
      .pipe(model());
    const runId = crypto.randomUUID();
    await chain.invoke("Tell me about spans", { callbacks: [ledger], runId, metadata: { user_id: "alice", thread_id: "conv-9" } });
    await tracerProvider.forceFlush();
    const traceId = runId.replace(/-/g, "");
    const spans = receiver.spans.filter((s) => s.traceId === traceId);
    expect(receiver.contentTypes.at(-1)).toBe("application/json");
    expect(spans).toHaveLength(2);
    expect(new Set(spans.map((s) => s.parentSpanId)).size).toBe(1);
    const records = ledger.records();
    for (const [i, span] of spans.entries()) {
      const record = records.find((r) => r.runId === attributesOf(span)["tokenledger.run.id"])!;
      expect(record, `span ${i}`).toBeDefined();
      expect(span.name).toBe("chat gpt-4o-mini");
      expect(span.kind).toBe(3); // SPAN_KIND_CLIENT
      expect(Number(BigInt(span.startTimeUnixNano) / 1_000_000n)).toBe(Math.floor(record.startedAt));
      expect(Number(BigInt(span.endTimeUnixNano) / 1_000_000n)).toBe(Math.floor(record.endedAt));
      expect(attributesOf(span)).toMatchObject({
        "gen_ai.operation.name": "chat",
        "gen_ai.provider.name": "openai",
        "gen_ai.request.model": "gpt-4o-mini",
        "gen_ai.response.model": "gpt-4o-mini",
        "gen_ai.usage.input_tokens": record.inputTokens,
        "gen_ai.usage.output_tokens": record.outputTokens,
        "tokenledger.usage.source": "provider",
        "tokenledger.input_tokens.estimate": record.estimatedInputTokens,
        "tokenledger.context_tokens": record.contextTokens,
        "tokenledger.cost.usd": record.costUsd,
        "tokenledger.flags": record.flags,
        "tokenledger.run.root_id": runId,
        "user.id": "alice",
        "gen_ai.conversation.id": "conv-9",
      });
    }
    await tracerProvider.shutdown();
  });

  it("a failed call's span has status ERROR and error.type; inside the app's own span, model spans are its children", async () => {
    const manager = new AlsContextManager();
    context.setGlobalContextManager(manager);
    try {
      const failing = await startOpenAIServer({
        fail: () => ({ status: 429, type: "rate_limit_exceeded", message: "Rate limit reached." }),
      });
      const tracerProvider = new BasicTracerProvider({
        spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: receiver.url }))],
      });
      const ledger = new TokenLedgerHandler();
      instrumentLedgerSpans(ledger, { tracerProvider });
      const tracer = tracerProvider.getTracer("app");
      const appSpan = tracer.startSpan("POST /chat");
      await context.with(trace.setSpan(context.active(), appSpan), async () => {
        await model().invoke("hi", { callbacks: [ledger] });
        const broken = new ChatOpenAI({ model: "gpt-4o-mini", apiKey: "test", maxRetries: 0, configuration: { baseURL: failing.baseURL } });
        await broken.invoke("hi", { callbacks: [ledger] }).catch(() => undefined);
      });
      appSpan.end();
      await tracerProvider.forceFlush();
      const { traceId, spanId } = appSpan.spanContext();
      const children = receiver.spans.filter((s) => s.traceId === traceId && s.parentSpanId === spanId);
      expect(children).toHaveLength(2);
      const failed = children.find((s) => attributesOf(s)["error.type"] !== undefined)!;
      expect(attributesOf(failed)["error.type"]).toBe("429");
      expect(failed.status).toMatchObject({ code: 2 });
      expect(failed.status?.message).toMatch(/Rate limit reached/);
      await tracerProvider.shutdown();
      await failing.close();
    } finally {
      context.disable();
    }
  });
});
