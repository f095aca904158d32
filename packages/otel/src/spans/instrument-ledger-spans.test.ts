import { SpanKind, SpanStatusCode } from "@opentelemetry/api";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { TokenLedgerHandler } from "@tokenledger/langchain";
import { describe, expect, it } from "vitest";
import { instrumentLedgerSpans } from "./instrument-ledger-spans.js";
import { runSpanContext } from "./run-span-context.js";

const llm = { lc: 1, type: "not_implemented" as const, id: ["X"] };
const ROOT = "1b4e28ba-2fa1-11d2-883f-0016d3cca427";

function setup() {
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const ledger = new TokenLedgerHandler({ maxPending: 1 });
  const stop = instrumentLedgerSpans(ledger, { tracerProvider, attributes: { "deployment.environment.name": "test" } });
  return { exporter, ledger, stop };
}

describe("instrumentLedgerSpans", () => {
  it("one CLIENT span per model run, timed by the record, in the trace of its top-level run, under that run's span id", async () => {
    const { exporter, ledger, stop } = setup();
    expect(instrumentLedgerSpans(ledger)).toBe(stop);
    ledger.handleChainStart(llm, {}, ROOT);
    ledger.handleChatModelStart(llm, [[]], "m1", ROOT, { invocation_params: { model: "gpt-4o" } }, [], {
      user_id: "u1",
      thread_id: "t1",
      tenant_id: "acme",
    });
    await ledger.handleLLMEnd({ generations: [[{ text: "" }]], llmOutput: { tokenUsage: { promptTokens: 5, completionTokens: 1 } } }, "m1");
    ledger.handleLLMStart(llm, ["Once upon"], "m2", ROOT, { invocation_params: { model: "gpt-3.5-turbo-instruct" } });
    await ledger.handleLLMError(Object.assign(new Error("budget"), { name: "BudgetExceededError" }), "m2");
    const [chat, completion] = exporter.getFinishedSpans();
    const record = ledger.getRun("m1")!;
    expect(chat!.name).toBe("chat gpt-4o");
    expect(chat!.kind).toBe(SpanKind.CLIENT);
    expect(chat!.spanContext().traceId).toBe("1b4e28ba2fa111d2883f0016d3cca427");
    expect(chat!.parentSpanContext?.spanId).toBe(runSpanContext(ROOT).spanId);
    expect(chat!.startTime[0] * 1000 + chat!.startTime[1] / 1e6).toBeCloseTo(record.startedAt, 0);
    expect(chat!.endTime[0] * 1000 + chat!.endTime[1] / 1e6).toBeCloseTo(record.endedAt, 0);
    expect(chat!.attributes).toMatchObject({
      "gen_ai.operation.name": "chat",
      "gen_ai.request.model": "gpt-4o",
      "gen_ai.usage.input_tokens": 5,
      "gen_ai.usage.output_tokens": 1,
      "tokenledger.usage.source": "provider",
      "tokenledger.run.id": "m1",
      "tokenledger.run.root_id": ROOT,
      "tokenledger.run.parent_id": ROOT,
      "tokenledger.cost.usd": record.costUsd,
      "user.id": "u1",
      "gen_ai.conversation.id": "t1",
      "tokenledger.tenant.id": "acme",
      "deployment.environment.name": "test",
    });
    expect(chat!.status.code).toBe(SpanStatusCode.UNSET);
    expect(completion!.name).toBe("text_completion gpt-3.5-turbo-instruct");
    expect(completion!.status).toEqual({ code: SpanStatusCode.ERROR, message: "budget" });
    expect(completion!.attributes["error.type"]).toBe("BudgetExceededError");
    expect(completion!.attributes["tokenledger.flags"]).toContain("budget-exceeded");
    stop();
    ledger.handleChatModelStart(llm, [[]], "m3", undefined, { invocation_params: { model: "gpt-4o" } });
    await ledger.handleLLMEnd({ generations: [[{ text: "" }]] }, "m3");
    expect(exporter.getFinishedSpans()).toHaveLength(2);
  });

  it("a run closed early and corrected has its span re-emitted flagged late (same run id)", async () => {
    const { exporter, ledger } = setup();
    ledger.handleChatModelStart(llm, [[]], "a", undefined, { invocation_params: { model: "gpt-4o" } });
    ledger.handleChatModelStart(llm, [[]], "b", undefined, { invocation_params: { model: "gpt-4o" } });
    await ledger.handleLLMEnd({ generations: [[{ text: "" }]], llmOutput: { tokenUsage: { promptTokens: 9, completionTokens: 2 } } }, "a");
    const spans = exporter.getFinishedSpans().filter((s) => s.attributes["tokenledger.run.id"] === "a");
    expect(spans.map((s) => [s.attributes["error.type"], s.attributes["tokenledger.flags"]])).toEqual([
      ["abandoned", ["abandoned"]],
      [undefined, ["late"]],
    ]);
    expect(spans[1]!.attributes["gen_ai.usage.input_tokens"]).toBe(9);
  });
});
