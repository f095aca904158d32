import { CallbackManager, type CallbackManagerForChainRun } from "@langchain/core/callbacks/manager";
import type { Serialized } from "@langchain/core/load/serializable";
import { HumanMessage } from "@langchain/core/messages";
import { CallbackManager as CallbackManager128 } from "@langchain/core-1-2-8/callbacks/manager";
import { promptTokens, textTokens } from "@tokenledger/openai-server";
import { describe, expect, it } from "vitest";
import { internalSizes } from "./ledger-internals.js";
import { TokenLedgerHandler } from "./token-ledger-handler.js";

// Each test drives the handler through the real CallbackManager of @langchain/core, at both ends of
// the supported peer range (1.2.8 and the 1.4.0 the package is developed with), so the argument
// positions are those dist/callbacks/manager.js passes, not those its .d.ts declares.
const managers: Array<[string, typeof CallbackManager]> = [
  ["1.4.0", CallbackManager],
  ["1.2.8", CallbackManager128 as unknown as typeof CallbackManager],
];

const chain: Serialized = { lc: 1, type: "not_implemented", id: ["langchain", "MyChain"] };
const model: Serialized = { lc: 1, type: "not_implemented", id: ["langchain", "chat_models", "SomeChatModel"] };
const tool: Serialized = { lc: 1, type: "not_implemented", id: ["MyTool"] };
const retriever: Serialized = { lc: 1, type: "not_implemented", id: ["MyRetriever"] };
const usage = (input: number, output: number) => ({
  tokenUsage: { promptTokens: input, completionTokens: output, totalTokens: input + output },
});

/** A chain run named differently from its id, under an outer chain, as a named RunnableSequence nests. */
async function nestedChain(manager: CallbackManager, rootId: string): Promise<CallbackManagerForChainRun> {
  const outer = await manager.handleChainStart(chain, { input: 1 }, rootId, "chain", undefined, undefined, "Outer");
  return outer.getChild().handleChainStart(chain, { input: 2 }, `${rootId}-inner`, "chain", undefined, undefined, "Inner");
}

async function chatRun(parent: { getChild(): CallbackManager }, runId: string, extra: Record<string, unknown> = {}) {
  const child = parent.getChild();
  // A model's metadata reaches handlers from its callback manager (ChatOpenAI adds ls_* there), not from the call.
  child.addMetadata({ ls_provider: "openai", ls_model_name: "gpt-4o-mini" }, false);
  const [run] = await child.handleChatModelStart(
    model,
    [[new HumanMessage("What is the capital of France?")]],
    runId,
    undefined,
    { invocation_params: { model: "gpt-4o", temperature: 0.25, max_tokens: 77, stop: ["END"] }, ...extra },
    undefined,
    undefined,
    "AskModel",
  );
  return run!;
}

describe.each(managers)("TokenLedgerHandler reads each callback's arguments where CallbackManager %s puts them", (_version, Manager) => {
  const setup = () => {
    const ledger = new TokenLedgerHandler();
    const manager = Manager.configure([ledger])!;
    return { ledger, manager };
  };

  it("handleChainStart: the parent run id (4th), so a nested chain's model rolls up to the outer chain's runId", async () => {
    const { ledger, manager } = setup();
    const inner = await nestedChain(manager, "root-A");
    const run = await chatRun(inner, "llm-A");
    await run.handleLLMEnd({ generations: [[{ text: "Paris" }]], llmOutput: usage(14, 2) });
    expect(ledger.getRun("llm-A")).toMatchObject({ rootRunId: "root-A", parentRunId: "root-A-inner" });
    expect(ledger.getTrace("root-A")).toMatchObject({ calls: 1, pending: 0, inputTokens: 14 });
  });

  it("handleChatModelStart: run id (3rd), parent (4th), extraParams (5th), metadata (7th), run name (8th)", async () => {
    const { ledger, manager } = setup();
    const outer = await manager.handleChainStart(chain, {}, "root-B");
    const run = await chatRun(outer, "llm-B", { invocation_params: { model: "gpt-4o", temperature: 0.25, max_tokens: 77, stop: ["END"] } });
    expect(ledger.pendingCount).toBe(1);
    await run.handleLLMEnd({ generations: [[{ text: "Paris" }]], llmOutput: usage(14, 2) });
    const record = ledger.getRun("llm-B")!;
    expect(record).toMatchObject({
      parentRunId: "root-B",
      rootRunId: "root-B",
      runName: "AskModel",
      model: "gpt-4o-mini",
      provider: "openai",
      invocationParams: { temperature: 0.25, maxTokens: 77, stop: ["END"], toolsCount: 0 },
    });
    // The messages (2nd) were counted, by the model from the metadata: the test server's reference count.
    expect(record.estimatedInputTokens).toBe(promptTokens("gpt-4o-mini", [{ role: "user", content: "What is the capital of France?" }]));
  });

  it("handleLLMStart: prompts (2nd), run id (3rd), parent (4th), metadata (7th), run name (8th)", async () => {
    const { ledger, manager } = setup();
    const outer = await manager.handleChainStart(chain, {}, "root-C");
    const prompt = "Complete this sentence: the sky is";
    const [run] = await outer
      .getChild()
      .handleLLMStart(
        model,
        [prompt],
        "llm-C",
        undefined,
        { invocation_params: { model: "gpt-3.5-turbo-instruct" } },
        undefined,
        undefined,
        "Completer",
      );
    await run!.handleLLMEnd({ generations: [[{ text: " blue" }]] });
    expect(ledger.getRun("llm-C")).toMatchObject({
      parentRunId: "root-C",
      rootRunId: "root-C",
      runName: "Completer",
      model: "gpt-3.5-turbo-instruct",
      estimatedInputTokens: textTokens("gpt-3.5-turbo-instruct", prompt),
      outputTokens: textTokens("gpt-3.5-turbo-instruct", " blue"),
    });
  });

  it("handleLLMNewToken: the token (1st) and run id (3rd), counted when the run ends without generations", async () => {
    const { ledger, manager } = setup();
    const run = await chatRun(await manager.handleChainStart(chain, {}, "root-D"), "llm-D");
    for (const token of ["The", " capital", " is", " Paris"]) await run.handleLLMNewToken(token);
    await run.handleLLMError(new Error("connection reset"));
    expect(ledger.getRun("llm-D")).toMatchObject({ status: "error", outputTokens: textTokens("gpt-4o-mini", "The capital is Paris") });
  });

  it("handleLLMEnd: output (1st), run id (2nd), extraParams (5th) with `cached`", async () => {
    const { ledger, manager } = setup();
    const outer = await manager.handleChainStart(chain, {}, "root-E");
    const run = await chatRun(outer, "llm-E");
    await run.handleLLMEnd({ generations: [[{ text: "Paris" }]] }, undefined, undefined, undefined, { cached: true });
    expect(ledger.getRun("llm-E")).toMatchObject({ cached: true, inputTokens: 0, outputTokens: 0, status: "ok" });
    const second = await chatRun(outer, "llm-E2");
    await second.handleLLMEnd({ generations: [[{ text: "Paris" }]], llmOutput: usage(20, 3) });
    expect(ledger.getRun("llm-E2")).toMatchObject({ cached: false, inputTokens: 20, outputTokens: 3, source: "provider" });
  });

  it("handleLLMError: the error (1st) and run id (2nd)", async () => {
    const { ledger, manager } = setup();
    const run = await chatRun(await manager.handleChainStart(chain, {}, "root-F"), "llm-F");
    await run.handleLLMError(new Error("429 Rate limit reached for gpt-4o-mini"));
    expect(ledger.getRun("llm-F")).toMatchObject({ status: "error", error: "429 Rate limit reached for gpt-4o-mini" });
    expect(ledger.pendingCount).toBe(0);
  });

  it("handleChainEnd and handleChainError: the run id (2nd) ends the chain's lineage", async () => {
    const { ledger, manager } = setup();
    const inner = await nestedChain(manager, "root-G");
    expect(internalSizes(ledger)).toMatchObject({ lineage: 2 });
    await inner.handleChainError(new Error("inner failed"));
    expect(internalSizes(ledger)).toMatchObject({ lineage: 1 });
    const outer = await manager.handleChainStart(chain, {}, "root-G2");
    await outer.handleChainEnd({ output: 1 });
    expect(internalSizes(ledger)).toMatchObject({ lineage: 1 });
  });

  it("handleToolStart/End/Error: run id (3rd) and parent (4th); a model inside a tool rolls up to the chain", async () => {
    const { ledger, manager } = setup();
    const outer = await manager.handleChainStart(chain, {}, "root-H");
    const toolRun = await outer.getChild().handleToolStart(tool, "input", "tool-H", undefined, undefined, undefined, "lookup");
    const run = await chatRun(toolRun, "llm-H");
    await run.handleLLMEnd({ generations: [[{ text: "Paris" }]], llmOutput: usage(10, 1) });
    expect(ledger.getRun("llm-H")).toMatchObject({ parentRunId: "tool-H", rootRunId: "root-H" });
    await toolRun.handleToolEnd("done");
    const failing = await outer.getChild().handleToolStart(tool, "input", "tool-H2");
    expect(internalSizes(ledger)).toMatchObject({ lineage: 2 });
    await failing.handleToolError(new Error("tool failed"));
    await outer.handleChainEnd({});
    expect(internalSizes(ledger)).toEqual({ inflight: 0, lineage: 0 });
  });

  it("handleRetrieverStart/End/Error: run id (3rd) and parent (4th)", async () => {
    const { ledger, manager } = setup();
    const outer = await manager.handleChainStart(chain, {}, "root-I");
    const retrieverRun = await outer.getChild().handleRetrieverStart(retriever, "query", "ret-I");
    const run = await chatRun(retrieverRun, "llm-I");
    await run.handleLLMEnd({ generations: [[{ text: "Paris" }]], llmOutput: usage(10, 1) });
    expect(ledger.getRun("llm-I")).toMatchObject({ parentRunId: "ret-I", rootRunId: "root-I" });
    await retrieverRun.handleRetrieverEnd([]);
    const failing = await outer.getChild().handleRetrieverStart(retriever, "query", "ret-I2");
    await failing.handleRetrieverError(new Error("index down"));
    await outer.handleChainEnd({});
    expect(internalSizes(ledger)).toEqual({ inflight: 0, lineage: 0 });
  });

  it("extraParams.options.signal (5th of a model start): aborting closes the run as aborted at once", async () => {
    const { ledger, manager } = setup();
    const controller = new AbortController();
    const run = await chatRun(await manager.handleChainStart(chain, {}, "root-J"), "llm-J", { options: { signal: controller.signal } });
    await run.handleLLMNewToken("The");
    controller.abort();
    expect(ledger.pendingCount).toBe(0);
    expect(ledger.getRun("llm-J")).toMatchObject({ status: "error", outputTokens: 1 });
    expect(ledger.getRun("llm-J")!.flags).toContain("aborted");
  });
});

it("drives two distinct copies of @langchain/core", async () => {
  expect(CallbackManager128).not.toBe(CallbackManager);
  const { version } = await import("@langchain/core-1-2-8/package.json", { with: { type: "json" } });
  expect(version).toBe("1.2.8");
});
