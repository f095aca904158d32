import { InMemoryChatMessageHistory } from "@langchain/core/chat_history";
import { AIMessage, type BaseMessage, HumanMessage, SystemMessage, ToolMessage } from "@langchain/core/messages";
import { loadEncoding } from "@tokenledger/core";
import { beforeAll, describe, expect, it } from "vitest";
import { summaryBufferMiddleware } from "../middleware/index.js";
import { loadReference, OPEN_WEIGHT_MODELS } from "../trim/reference-template.test-helper.js";
import { createSummaryBuffer } from "./create-summary-buffer.js";
import { SummaryBuffer } from "./summary-buffer.js";
import { SummaryBufferChatMessageHistory } from "./summary-buffer-history.js";

/**
 * Summary memory for templates that take one system message, first, and alternating turns
 * (Gemma 3, Mistral NeMo): every prompt renders under the family's template (@huggingface/jinja
 * over its tokenizer_config.json; Mistral's alternation checked as Python's Jinja runs it) and is
 * within the budget by the reference count. The user's system message is never changed.
 */
const FAMILIES = OPEN_WEIGHT_MODELS.filter(([family]) => family === "gemma3" || family === "mistral_nemo");
const BUDGETS = [400, 900, 1800];

const summarizer = { invoke: async () => ({ content: "The user asked about context windows of many models; the answers gave sizes." }) };

function alternates(messages: BaseMessage[]): boolean {
  const loop = messages[0]?.getType() === "system" ? messages.slice(1) : messages;
  const visible = loop.filter((m) => m.getType() !== "tool" && !(m.getType() === "ai" && ((m as AIMessage).tool_calls?.length ?? 0) > 0));
  return visible.every((m, i) => (m.getType() === "human") === (i % 2 === 0));
}

function conversation(): BaseMessage[] {
  const messages: BaseMessage[] = [];
  for (let i = 0; messages.length < 120; i++) {
    const kind = i % 5;
    if (kind === 0 || kind === 3) messages.push(new HumanMessage(`Question ${i}: how large is the context window of model ${i}?`));
    else if (kind === 1) {
      const id = `call${String(i).padStart(5, "0")}`;
      messages.push(new AIMessage({ content: "", tool_calls: [{ id, name: "lookup", args: { model: `m${i}` } }] }));
      messages.push(new ToolMessage({ tool_call_id: id, content: `{"window": ${i * 1024}}` }));
    } else if (kind === 2) messages.push(new AIMessage(`Answer ${i}: model ${i} reads ${i * 1024} tokens at once.`));
    else messages.push(new HumanMessage(`And another thing, number ${i}.`));
  }
  return messages.slice(0, 120);
}

const fills: string[] = [];

describe.each(FAMILIES)("%s: summary memory renders under the template, within the budget", (family, model) => {
  const reference = loadReference(family);
  const system = new SystemMessage("You are a helpful assistant. Answer briefly.");
  const messages = conversation();
  beforeAll(async () => {
    await loadEncoding(family as never);
  });

  function expectRendersWithin(prompt: BaseMessage[], budget: number, what: string) {
    expect(() => reference.render(prompt), `${what} renders`).not.toThrow();
    expect(alternates(prompt), `${what} alternates`).toBe(true);
    expect(
      prompt.slice(1).every((m) => m.getType() !== "system"),
      `${what}: one system message, first`,
    ).toBe(true);
    const used = reference.count(prompt);
    expect(used, `${what} within ${budget}`).toBeLessThanOrEqual(budget);
    fills.push(`${family} ${what} ${budget}: ${used} (${((100 * used) / budget).toFixed(1)}%)`);
  }

  it.each(BUDGETS)("SummaryBuffer.fit with a system prompt, budget %i", async (budget) => {
    const before = system.content;
    const result = await new SummaryBuffer({ summarizer, model, maxTokens: budget }).fit({ system: [system], messages });
    if (result.summary) expect(result.system?.[0]).not.toBe(system);
    expect(system.content).toBe(before);
    expectRendersWithin([...(result.system ?? [system]), ...result.messages], budget, "fit");
  });

  it.each(BUDGETS)("SummaryBuffer.fit with a human summary, budget %i", async (budget) => {
    const result = await new SummaryBuffer({ summarizer, model, maxTokens: budget, summaryRole: "human" }).fit({
      system: [system],
      messages,
    });
    expect(result.system).toBeUndefined();
    expectRendersWithin([system, ...result.messages], budget, "fit human");
  });

  it.each(BUDGETS)("SummaryBufferChatMessageHistory with a systemPrompt, budget %i", async (budget) => {
    const inner = new InMemoryChatMessageHistory(messages);
    const history = new SummaryBufferChatMessageHistory(inner, { summarizer, model, maxTokens: budget, systemPrompt: system });
    expectRendersWithin([system, ...(await history.getMessages())], budget, "history");
  });

  it.each(BUDGETS)("createSummaryBuffer, budget %i", async (budget) => {
    const prompt = await createSummaryBuffer({ summarizer, model, maxTokens: budget }).invoke([system, ...messages]);
    expectRendersWithin(prompt, budget, "runnable");
  });

  it.each(BUDGETS)("summaryBufferMiddleware, budget %i", async (budget) => {
    const middleware = summaryBufferMiddleware({ summarizer, model, maxTokens: budget });
    let sent: BaseMessage[] = [];
    const request = { model, systemMessage: system, messages, tools: [] };
    await (
      middleware.wrapModelCall as (
        r: unknown,
        h: (r: { systemMessage: BaseMessage; messages: BaseMessage[] }) => unknown,
      ) => Promise<unknown>
    )(request, (r) => {
      sent = [r.systemMessage, ...r.messages];
      return new AIMessage("ok");
    });
    expectRendersWithin(sent, budget, "middleware");
  });
});

describe("fills", () => {
  it("reports", () => {
    console.log(fills.join("\n"));
  });
});
