import { AIMessage, type BaseMessage, HumanMessage, SystemMessage, ToolMessage } from "@langchain/core/messages";
import { loadEncoding } from "@tokenledger/core";
import { beforeAll, describe, expect, it } from "vitest";
import { contextWindowMiddleware } from "../middleware/index.js";
import { loadReference, OPEN_WEIGHT_MODELS } from "./reference-template.test-helper.js";
import { trimHistory, trimHistoryAsync } from "./trim-history.js";

/**
 * Open-weight templates that refuse some orders (Gemma 3, Mistral NeMo): every trim renders under
 * the family's real template (@huggingface/jinja over its tokenizer_config.json), is within the
 * budget by the reference count, and is the longest that fits: starting one user turn earlier (in the
 * history as the template can take it: Gemma renders no tool answers at all) is over the budget.
 * The fill (of the budget, or of the whole renderable history when that is smaller) is printed.
 * Mistral's alternation check (`selectattr("tool_calls", "undefined")`) selects nothing under
 * @huggingface/jinja, while Python's Jinja (vLLM) raises: `alternates` checks it as Python does.
 */
const FAMILIES = OPEN_WEIGHT_MODELS.filter(([family]) => family === "gemma3" || family === "mistral_nemo");
const BUDGETS = [200, 400, 700, 1500, 3000];

/** Mistral NeMo's check as Python's Jinja runs it: after a first system message, user and assistant (tool calls and answers aside) alternate, user first. */
function alternates(messages: BaseMessage[]): boolean {
  const loop = messages[0]?.getType() === "system" ? messages.slice(1) : messages;
  const visible = loop.filter((m) => m.getType() !== "tool" && !(m.getType() === "ai" && ((m as AIMessage).tool_calls?.length ?? 0) > 0));
  return visible.every((m, i) => (m.getType() === "human") === (i % 2 === 0));
}

/** A system prompt and 120 messages: questions, answers, tool calls with their answers, and two users in a row. */
function history(): BaseMessage[] {
  const messages: BaseMessage[] = [new SystemMessage("You are a helpful assistant. Answer briefly.")];
  for (let i = 0; messages.length < 121; i++) {
    const kind = i % 5;
    if (kind === 0 || kind === 3) messages.push(new HumanMessage(`Question ${i}: how large is the context window of model ${i}?`));
    else if (kind === 1) {
      const id = `call${String(i).padStart(5, "0")}`; // Mistral wants 9 characters
      messages.push(new AIMessage({ content: "", tool_calls: [{ id, name: "lookup", args: { model: `m${i}` } }] }));
      messages.push(new ToolMessage({ tool_call_id: id, content: `{"window": ${i * 1024}}` }));
    } else if (kind === 2) messages.push(new AIMessage(`Answer ${i}: model ${i} reads ${i * 1024} tokens at once.`));
    else messages.push(new HumanMessage(`And another thing, number ${i}.`));
  }
  return messages.slice(0, 121);
}

const fills: string[] = [];

describe.each(FAMILIES)("%s: trims render under the template, within the budget", (family, model) => {
  const reference = loadReference(family);
  const messages = history();
  /** The whole history as the template can take it, and its reference count. */
  let renderable: BaseMessage[] = [];
  let whole = 0;
  beforeAll(async () => {
    await loadEncoding(family as never);
    renderable = trimHistory(messages, { model, maxTokens: 1e9 });
    whole = reference.count(renderable);
  });

  /** The kept history started one user turn earlier, or undefined when it is the whole history. */
  function oneTurnMore(kept: BaseMessage[]): BaseMessage[] | undefined {
    const system = kept[0]?.getType() === "system" ? [kept[0]] : [];
    const rest = kept.slice(system.length);
    const from = rest.length > 0 ? renderable.indexOf(rest[0]!) : renderable.length;
    for (let i = from - 1; i >= 0; i--) if (renderable[i]!.getType() === "human") return [...system, ...renderable.slice(i)];
    return undefined;
  }

  function expectRendersWithin(kept: BaseMessage[], budget: number, what: string) {
    expect(() => reference.render(kept), `${what} renders`).not.toThrow();
    expect(alternates(kept), `${what} alternates`).toBe(true);
    const used = reference.count(kept);
    expect(used, `${what} within ${budget}`).toBeLessThanOrEqual(budget);
    const reachable = Math.min(budget, whole);
    const more = oneTurnMore(kept);
    if (more) expect(reference.count(more), `${what}: one more turn is over ${budget}`).toBeGreaterThan(budget);
    fills.push(`${family} ${what} ${budget}: ${used} of ${reachable} (${((100 * used) / reachable).toFixed(1)}%)`);
    for (const m of kept) expect(messages).toContain(m);
  }

  it("the untrimmed history is refused by the template (the defect)", () => {
    if (family === "gemma3") expect(() => reference.render(messages)).toThrow();
    expect(alternates(messages)).toBe(false);
  });

  it.each(BUDGETS)("trimHistory, default options, budget %i", (budget) => {
    expectRendersWithin(trimHistory(messages, { model, maxTokens: budget }), budget, "trimHistory");
  });

  it.each(BUDGETS)("trimHistory with includeSystem, budget %i", (budget) => {
    const kept = trimHistory(messages, { model, maxTokens: budget, includeSystem: true });
    expect(kept[0]).toBe(messages[0]);
    expectRendersWithin(kept, budget, "includeSystem");
  });

  it.each(BUDGETS)("trimHistoryAsync, budget %i", async (budget) => {
    expectRendersWithin(await trimHistoryAsync(messages, { model, maxTokens: budget }), budget, "trimHistoryAsync");
  });

  it.each(BUDGETS)("contextWindowMiddleware, budget %i", async (budget) => {
    const middleware = contextWindowMiddleware({ model, maxTokens: budget });
    let sent: BaseMessage[] = [];
    const request = { model, systemMessage: messages[0], messages: messages.slice(1), tools: [] };
    await (middleware.wrapModelCall as (r: unknown, h: (r: { messages: BaseMessage[] }) => unknown) => Promise<unknown>)(request, (r) => {
      sent = r.messages;
      return new AIMessage("ok");
    });
    expectRendersWithin([messages[0]!, ...sent], budget, "middleware");
  });
});

describe("fills", () => {
  it("reports", () => {
    console.log(fills.join("\n"));
  });
});
