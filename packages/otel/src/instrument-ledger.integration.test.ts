import { ChatOpenAI } from "@langchain/openai";
import type { HistogramMetricData, PushMetricExporter } from "@opentelemetry/sdk-metrics";
import {
  AggregationTemporality,
  DataPointType,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from "@opentelemetry/sdk-metrics";
import { TokenLedgerHandler } from "@tokenledger/langchain";
import { startOpenAIServer, type Usage } from "@tokenledger/openai-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DURATION_BUCKETS, instrumentLedger, TOKEN_BUCKETS } from "./instrument-ledger.js";
import { histogram, setup } from "./instrument-ledger.test-helper.js";
import { OTHER_MODEL } from "./semconv.js";

const numberIn = (text: unknown) => Number(String(text).replace(/\D/g, "") || 0);

/**
 * A local OpenAI-compatible server whose usage follows the number N in the last message:
 * prompt 100 + N, completion 1 + N % 50, 64 cached tokens when N is odd; N % 10 === 7 fails with a 500.
 */
function startUsageServer() {
  return startOpenAIServer({
    fail: (request) =>
      numberIn(request.messages.at(-1)?.content) % 10 === 7 ? { status: 500, message: "The server had an error." } : undefined,
    usage: (request): Usage => {
      const n = numberIn(request.messages.at(-1)?.content);
      return {
        prompt_tokens: 100 + n,
        completion_tokens: 1 + (n % 50),
        total_tokens: 101 + n + (n % 50),
        prompt_tokens_details: { cached_tokens: n % 2 ? 64 : 0 },
      };
    },
  });
}

/** gpt-4o-mini against `baseURL`, without retries. */
const chatModel = (baseURL: string, fields: Record<string, unknown> = {}) =>
  new ChatOpenAI({ model: "gpt-4o-mini", apiKey: "test", maxRetries: 0, configuration: { baseURL }, ...fields });

let server: Awaited<ReturnType<typeof startUsageServer>>;
beforeAll(async () => {
  server = await startUsageServer();
});
afterAll(() => server.close());

const model = (fields: Record<string, unknown> = {}) => chatModel(server.baseURL, fields);

describe("instrumentLedger with the real OpenTelemetry metrics SDK", () => {
  it("records gen_ai.client.token.usage and operation.duration with the conventions' names, units, attributes and buckets", async () => {
    const { ledger, collect } = setup({ attributes: { "service.instance.id": "test-1" } });
    await model().invoke("request 3", { callbacks: [ledger] });
    const metrics = await collect();
    const usage = histogram(metrics, "gen_ai.client.token.usage")!;
    expect(usage.descriptor.unit).toBe("{token}");
    expect(usage.dataPointType).toBe(DataPointType.HISTOGRAM);
    const byType = Object.fromEntries(usage.dataPoints.map((p) => [p.attributes["gen_ai.token.type"], p]));
    expect(byType.input!.value.sum).toBe(103);
    expect(byType.output!.value.sum).toBe(4);
    expect(byType.input!.value.buckets.boundaries).toEqual(TOKEN_BUCKETS);
    expect(TOKEN_BUCKETS.at(-1)).toBe(67_108_864);
    expect(byType.input!.attributes).toEqual({
      "gen_ai.operation.name": "chat",
      "gen_ai.provider.name": "openai",
      "gen_ai.request.model": "gpt-4o-mini",
      "gen_ai.response.model": "gpt-4o-mini",
      "gen_ai.token.type": "input",
      "tokenledger.usage.source": "provider",
      "service.instance.id": "test-1",
    });
    const duration = histogram(metrics, "gen_ai.client.operation.duration")!;
    expect(duration.descriptor.unit).toBe("s");
    expect(duration.dataPoints[0]!.value.count).toBe(1);
    expect(duration.dataPoints[0]!.value.buckets.boundaries).toEqual(DURATION_BUCKETS);
  });

  it("leaves out local counts unless asked, and then marks them", async () => {
    const plain = setup();
    for await (const _ of await model({ streamUsage: false }).stream("request 5", { callbacks: [plain.ledger] })) void _;
    expect(plain.ledger.records()[0]!.source).toBe("local");
    expect(histogram(await plain.collect(), "gen_ai.client.token.usage")?.dataPoints ?? []).toHaveLength(0);
    expect(histogram(await plain.collect(), "gen_ai.client.operation.duration")!.dataPoints).toHaveLength(1);

    const opted = setup({ includeLocalEstimates: true });
    for await (const _ of await model({ streamUsage: false }).stream("request 5", { callbacks: [opted.ledger] })) void _;
    const points = histogram(await opted.collect(), "gen_ai.client.token.usage")!.dataPoints;
    expect(points.map((p) => p.attributes["tokenledger.usage.source"])).toEqual(["local", "local"]);
    expect(points.find((p) => p.attributes["gen_ai.token.type"] === "output")!.value.sum).toBe(opted.ledger.records()[0]!.outputTokens);
  });

  it("sums exactly over many concurrent runs through one ledger, errors included, and never twice", async () => {
    const { ledger, collect } = setup();
    expect(instrumentLedger(ledger)).toBe(instrumentLedger(ledger));
    const n = 300;
    const results = await Promise.allSettled(Array.from({ length: n }, (_, i) => model().invoke(`request ${i}`, { callbacks: [ledger] })));
    const failed = results.filter((r) => r.status === "rejected").length;
    expect(failed).toBe(30);
    const metrics = await collect();
    const usage = histogram(metrics, "gen_ai.client.token.usage")!;
    const sum = (type: string) =>
      usage.dataPoints.filter((p) => p.attributes["gen_ai.token.type"] === type).reduce((s, p) => s + (p.value.sum ?? 0), 0);
    const count = (type: string) =>
      usage.dataPoints.filter((p) => p.attributes["gen_ai.token.type"] === type).reduce((s, p) => s + p.value.count, 0);
    const ok = Array.from({ length: n }, (_, i) => i).filter((i) => i % 10 !== 7);
    expect(sum("input")).toBe(ok.reduce((s, i) => s + 100 + i, 0));
    expect(sum("output")).toBe(ok.reduce((s, i) => s + 1 + (i % 50), 0));
    expect(count("input")).toBe(270);
    expect(sum("input")).toBe(ledger.totals().inputTokens);
    const duration = histogram(metrics, "gen_ai.client.operation.duration")!;
    const errors = duration.dataPoints.filter((p) => p.attributes["error.type"] !== undefined);
    expect(errors.map((p) => [p.attributes["error.type"], p.value.count])).toEqual([["500", 30]]);
    expect(duration.dataPoints.reduce((s, p) => s + p.value.count, 0)).toBe(n);
  });

  it("reaches an exporter through the SDK's periodic reader", async () => {
    const exporter = new InMemoryMetricExporter(AggregationTemporality.DELTA);
    const meterProvider = new MeterProvider({ readers: [new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 60_000 })] });
    const ledger = new TokenLedgerHandler();
    instrumentLedger(ledger, { meterProvider });
    await model().invoke("request 12", { callbacks: [ledger] });
    await meterProvider.forceFlush();
    const exported = exporter.getMetrics().flatMap((r) => r.scopeMetrics.flatMap((s) => s.metrics));
    const usage = exported.find((m) => m.descriptor.name === "gen_ai.client.token.usage") as HistogramMetricData;
    expect(usage.aggregationTemporality).toBe(AggregationTemporality.DELTA);
    expect(usage.dataPoints.map((p) => [p.attributes["gen_ai.token.type"], p.value.sum])).toEqual([
      ["input", 112],
      ["output", 13],
    ]);
    await meterProvider.shutdown();
  });

  it("stops when asked, and a failing exporter never breaks the chain", async () => {
    let exports = 0;
    const exporter: PushMetricExporter = {
      export: (_metrics, done) => {
        exports++;
        done({ code: 1, error: new Error("collector is down") });
      },
      forceFlush: async () => {},
      shutdown: async () => {},
    };
    // The interval never fires during the test: each export is one forceFlush, so nothing races a timer.
    const meterProvider = new MeterProvider({
      readers: [new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 })],
    });
    const ledger = new TokenLedgerHandler();
    const stop = instrumentLedger(ledger, { meterProvider });
    for (let i = 0; i < 5; i++) {
      await model().invoke(`request ${i}`, { callbacks: [ledger] });
      await meterProvider.forceFlush().catch(() => {});
    }
    expect(exports).toBe(5);
    expect(ledger.totals().calls).toBe(5);
    stop();
    await meterProvider.shutdown().catch(() => {});

    const manual = setup();
    manual.stop();
    await model().invoke("request 1", { callbacks: [manual.ledger] });
    expect(histogram(await manual.collect(), "gen_ai.client.token.usage")?.dataPoints ?? []).toHaveLength(0);
  });

  it("caps distinct unknown model names with (other), so a real model keeps its own series after 2,500 junk names", async () => {
    const { ledger, collect } = setup({ maxUnknownModels: 50 });
    const llm = { lc: 1, type: "not_implemented" as const, id: ["Custom"] };
    for (let i = 0; i < 2500; i++) {
      ledger.handleChatModelStart(llm, [], `junk-${i}`, undefined, { invocation_params: { model: `junk-model-${i}` } });
      ledger.handleLLMEnd(
        { generations: [[{ text: "" }]], llmOutput: { tokenUsage: { promptTokens: 1, completionTokens: 1 } } },
        `junk-${i}`,
      );
    }
    await model().invoke("request 3", { callbacks: [ledger] });
    const usage = histogram(await collect(), "gen_ai.client.token.usage")!;
    const models = new Set(usage.dataPoints.map((p) => p.attributes["gen_ai.request.model"]));
    expect(models.size).toBe(50 + 2);
    expect(models.has(OTHER_MODEL)).toBe(true);
    expect(usage.dataPoints.some((p) => p.attributes["otel.metric.overflow"] !== undefined)).toBe(false);
    const other = usage.dataPoints.find(
      (p) => p.attributes["gen_ai.request.model"] === OTHER_MODEL && p.attributes["gen_ai.token.type"] === "input",
    )!;
    expect(other.value.count).toBe(2450);
    const real = usage.dataPoints.find(
      (p) => p.attributes["gen_ai.request.model"] === "gpt-4o-mini" && p.attributes["gen_ai.token.type"] === "input",
    )!;
    expect(real.value).toMatchObject({ count: 1, sum: 103 });
  });

  it("3,000 names with a catalog prefix (request and response) stay capped: the real gpt-4o-mini keeps its series under the SDK's 2,000-series limit (#32)", async () => {
    const { ledger, collect } = setup();
    const llm = { lc: 1, type: "not_implemented" as const, id: ["Custom"] };
    for (let i = 0; i < 3000; i++) {
      // Half with a catalog model's name as prefix, half a catalog request model answered by a junk response model.
      const [request, response] = i % 2 ? [`gpt-4o-tenant-${i}`, "gpt-4o"] : ["gpt-4o", `gpt-4o-2024-08-06-shard-${i}`];
      ledger.handleChatModelStart(llm, [], `junk-${i}`, undefined, { invocation_params: { model: request } });
      const message = { response_metadata: { model_name: response } };
      ledger.handleLLMEnd(
        { generations: [[{ text: "", message } as never]], llmOutput: { tokenUsage: { promptTokens: 1, completionTokens: 1 } } },
        `junk-${i}`,
      );
    }
    await model().invoke("request 3", { callbacks: [ledger] });
    const usage = histogram(await collect(), "gen_ai.client.token.usage")!;
    expect(usage.dataPoints.some((p) => p.attributes["otel.metric.overflow"] !== undefined)).toBe(false);
    const requests = new Set(usage.dataPoints.map((p) => p.attributes["gen_ai.request.model"]));
    const responses = new Set(usage.dataPoints.map((p) => p.attributes["gen_ai.response.model"]));
    expect(requests.size).toBeLessThanOrEqual(100 + 3);
    expect(responses.size).toBeLessThanOrEqual(100 + 3);
    expect(requests.has(OTHER_MODEL) && responses.has(OTHER_MODEL)).toBe(true);
    const real = usage.dataPoints.find(
      (p) => p.attributes["gen_ai.request.model"] === "gpt-4o-mini" && p.attributes["gen_ai.token.type"] === "input",
    )!;
    expect(real.value).toMatchObject({ count: 1, sum: 103 });
    expect(real.attributes["gen_ai.response.model"]).toBe("gpt-4o-mini");
    const inputs = usage.dataPoints.filter((p) => p.attributes["gen_ai.token.type"] === "input");
    expect(inputs.reduce((s, p) => s + p.value.count, 0)).toBe(3001);
  });

  it("a run closed early and corrected late is counted once: one duration point, its real tokens (#32)", async () => {
    const { ledger, collect } = setup({}, instrumentLedger, { maxPending: 1 });
    const llm = { lc: 1, type: "not_implemented" as const, id: ["Custom"] };
    const usage = (n: number) => ({ generations: [[{ text: "" }]], llmOutput: { tokenUsage: { promptTokens: n, completionTokens: 1 } } });
    ledger.handleChatModelStart(llm, [], "a", undefined, { invocation_params: { model: "gpt-4o" } });
    ledger.handleChatModelStart(llm, [], "b", undefined, { invocation_params: { model: "gpt-4o" } });
    expect(ledger.getRun("a")!.flags).toContain("abandoned");
    await ledger.handleLLMEnd(usage(40), "a");
    await ledger.handleLLMEnd(usage(60), "b");
    const metrics = await collect();
    const tokens = histogram(metrics, "gen_ai.client.token.usage")!.dataPoints.filter((p) => p.attributes["gen_ai.token.type"] === "input");
    expect(tokens.reduce((s, p) => s + (p.value.sum ?? 0), 0)).toBe(100);
    expect(tokens.reduce((s, p) => s + p.value.count, 0)).toBe(2);
    expect(ledger.totals().inputTokens).toBe(100);
    const durations = histogram(metrics, "gen_ai.client.operation.duration")!.dataPoints;
    expect(durations.reduce((s, p) => s + p.value.count, 0)).toBe(2);
  });
});
