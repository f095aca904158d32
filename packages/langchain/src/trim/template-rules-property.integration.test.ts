import { AIMessage, type BaseMessage, HumanMessage, SystemMessage, ToolMessage } from "@langchain/core/messages";
import { loadEncoding } from "@tokenledger/core";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { loadReference, OPEN_WEIGHT_MODELS } from "./reference-template.test-helper.js";
import { trimHistory } from "./trim-history.js";

/**
 * Random long histories (up to 500 messages, tool calls, same-role runs, stray system messages)
 * trimmed for every open-weight family with default options: the result renders under the
 * family's template, is within the budget by the reference count, and (under-use) starting it one
 * user turn earlier in the history as kept would be over the budget or not render, and it uses at
 * least 90% of a budget of 2,500 or more that the history exceeds.
 */
const FAMILIES = OPEN_WEIGHT_MODELS;
/** Each run trims a history of up to 500 messages and renders the reference a few times. */
const RUNS = 25;

const word = fc.constantFrom("context", " window", "tokens", "人工智能", "🙂", "model", "\n", "answer", "42");
const text = fc.array(word, { minLength: 1, maxLength: 12 }).map((w) => w.join(" "));
const step = fc.oneof(
  { weight: 5, arbitrary: text.map((t) => ["human", t] as const) },
  { weight: 4, arbitrary: text.map((t) => ["ai", t] as const) },
  { weight: 2, arbitrary: text.map((t) => ["tools", t] as const) },
  { weight: 1, arbitrary: text.map((t) => ["system", t] as const) },
);
const history = fc
  .record({
    system: fc.boolean(),
    steps: fc.array(step, { minLength: 1, maxLength: 400, size: "max" }),
  })
  .map(({ system, steps }) => {
    const messages: BaseMessage[] = system ? [new SystemMessage("You are a helpful assistant.")] : [];
    steps.forEach(([kind, t], i) => {
      if (kind === "human") messages.push(new HumanMessage(t));
      else if (kind === "ai") messages.push(new AIMessage(t));
      else if (kind === "system") messages.push(new SystemMessage(t));
      else {
        const id = `c${String(i).padStart(8, "0")}`; // 9 characters, as Mistral requires
        messages.push(new AIMessage({ content: "", tool_calls: [{ id, name: "lookup", args: { q: t.slice(0, 10) } }] }));
        messages.push(new ToolMessage({ tool_call_id: id, content: t }));
      }
    });
    return messages.slice(0, 500);
  });

function alternates(messages: BaseMessage[]): boolean {
  const loop = messages[0]?.getType() === "system" ? messages.slice(1) : messages;
  const visible = loop.filter((m) => m.getType() !== "tool" && !(m.getType() === "ai" && ((m as AIMessage).tool_calls?.length ?? 0) > 0));
  return visible.every((m, i) => (m.getType() === "human") === (i % 2 === 0));
}

const fills: string[] = [];

describe.each(FAMILIES)("%s: random long histories, trimmed, render within the budget", (family, model) => {
  const reference = loadReference(family);
  beforeAll(async () => {
    await loadEncoding(family as never);
  });

  it("never over the budget by the reference count, renders, and does not leave a fitting turn out", () => {
    fc.assert(
      fc.property(history, fc.integer({ min: 150, max: 8_000 }), (messages, budget) => {
        const kept = trimHistory(messages, { model, maxTokens: budget });
        expect(() => reference.render(kept)).not.toThrow();
        if (family === "mistral_nemo") expect(alternates(kept)).toBe(true);
        const used = reference.count(kept);
        expect(used).toBeLessThanOrEqual(budget);
        // Under-use: the same trim given every message, then started one user turn earlier.
        const renderable = trimHistory(messages, { model, maxTokens: 1e9 });
        const from = kept.length > 0 ? renderable.indexOf(kept[0]!) : renderable.length;
        let earlier = -1;
        for (let i = from - 1; i >= 0 && earlier < 0; i--) if (renderable[i]!.getType() === "human") earlier = i;
        const reachable = Math.min(budget, reference.count(renderable));
        fills.push(
          `${family} ${messages.length} messages, budget ${budget}: ${used} of ${reachable} (${((100 * used) / reachable).toFixed(1)}%)`,
        );
        // Uses the window: at least 90% of the budget, unless everything fits (a smaller budget may
        // leave a larger share to one turn that does not fit: a user turn with its tool calls).
        if (budget >= 2_500 && reachable === budget) expect(used / budget, "at least 90% of the budget").toBeGreaterThanOrEqual(0.9);
        if (earlier >= 0 && from >= 0) {
          const more = renderable.slice(earlier);
          let fits = false;
          try {
            fits = reference.count(more) <= budget;
          } catch {
            fits = false;
          }
          expect(fits, "one user turn earlier would fit").toBe(false);
        }
      }),
      // No shrinking: a history of 500 messages shrinks for many minutes; the seed replays a failure.
      { numRuns: RUNS, seed: 30, endOnFailure: true },
    );
  });
});

describe("fills", () => {
  it("reports", () => {
    console.log(fills.join("\n"));
  });
});
