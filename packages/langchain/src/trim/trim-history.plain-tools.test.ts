import { AIMessage, type BaseMessage, HumanMessage, SystemMessage, ToolMessage } from "@langchain/core/messages";
import { countMessages } from "@tokenledger/core";
import { get_encoding } from "tiktoken";
import { afterAll, describe, expect, it } from "vitest";
import { toChatMessage } from "../counters/index.js";
import { trimHistory } from "./trim-history.js";

/**
 * Issue 30: Claude counts by the plain rule, which dropped tool calls. A history of 30 tool calls
 * with large arguments, trimmed to 8,000 tokens, kept all 91 messages (68,700 tokens of arguments).
 * The checks here count independently of @tokenledger/core too: `tiktoken`'s o200k_base (the
 * fallback encoding core counts Claude with) and cl100k_base over every text and every call's
 * JSON arguments.
 */
const o200k = get_encoding("o200k_base");
const cl100k = get_encoding("cl100k_base");
afterAll(() => {
  o200k.free();
  cl100k.free();
});
const n = (text: string) => o200k.encode_ordinary(text).length;
const nCl100k = (text: string) => cl100k.encode_ordinary(text).length;

const MODEL = "claude-sonnet-4-5";
const BUDGET = 8_000;

/** A file an agent writes with a tool call: about 2,300 tokens of arguments. */
const fileArgs = (round: number) => ({
  path: `src/module_${round}.ts`,
  content: Array.from(
    { length: 100 },
    (_, i) => `export const value${round}_${i} = computeTotal(order_${i}, { tax: ${(i * round) % 7}, region: "eu-west-${i % 3}" });`,
  ).join("\n"),
});

/** System prompt, then 30 rounds of: the user's request, Claude's tool_use (as ChatAnthropic returns it: a text and a tool_use block, and tool_calls), the tool's result. */
function claudeHistory(): BaseMessage[] {
  const history: BaseMessage[] = [new SystemMessage("You are a coding agent. Use the tools to edit files.")];
  for (let round = 0; round < 30; round++) {
    const id = `toolu_${String(round).padStart(2, "0")}abcdefghijklmnop`;
    const args = fileArgs(round);
    history.push(
      new HumanMessage(`Write module ${round} with its hundred values.`),
      new AIMessage({
        content: [
          { type: "text", text: `Writing src/module_${round}.ts now.` },
          { type: "tool_use", id, name: "write_file", input: args },
        ],
        tool_calls: [{ id, name: "write_file", args, type: "tool_call" }],
      }),
      new ToolMessage({ content: `Wrote ${args.content.length} characters to ${args.path}.`, tool_call_id: id }),
    );
  }
  return history;
}

/** Every text sent and every call's JSON arguments, by tiktoken: a rough estimate that knows nothing of core's rule. */
function independentEstimate(messages: BaseMessage[], count = n): number {
  let total = 0;
  for (const m of messages) {
    const calls = (m as AIMessage).tool_calls ?? [];
    if (typeof m.content === "string") total += count(m.content);
    else for (const block of m.content) if (block.type === "text") total += count(String(block.text));
    for (const call of calls) total += count(call.name) + count(JSON.stringify(call.args));
  }
  return total;
}

/** The tool-call pairs as Anthropic demands them: each tool_use answered right after it, each result answering a call right before. */
function pairProblem(messages: BaseMessage[]): string | undefined {
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i]!;
    if (m.getType() === "tool") return `messages[${i}]: a tool result that follows no tool call`;
    const calls = (m as AIMessage).tool_calls ?? [];
    if (m.getType() !== "ai" || calls.length === 0) continue;
    const open = new Set(calls.map((c) => c.id));
    let j = i + 1;
    for (; j < messages.length && messages[j]!.getType() === "tool"; j++) {
      if (!open.delete((messages[j] as ToolMessage).tool_call_id)) return `messages[${j}]: answers no open call of messages[${i}]`;
    }
    if (open.size > 0) return `messages[${i}]: calls ${[...open].join(", ")} are not answered`;
    i = j - 1;
  }
  return undefined;
}

const plainTotal = (messages: BaseMessage[]) =>
  countMessages(
    messages.map((m) => toChatMessage(m)),
    { model: MODEL },
  ).total;

describe("issue 30: trimming a tool-heavy Claude history counts the tool calls", () => {
  const history = claudeHistory();

  it("counts the whole history with its arguments, far over the budget", () => {
    expect(history).toHaveLength(91);
    const count = countMessages(
      history.map((m) => toChatMessage(m)),
      { model: MODEL },
    );
    expect(count).toMatchObject({ chatFormat: "plain", approximate: true });
    expect(count.perMessage.reduce((a, b) => a + b, 0)).toBe(count.total);
    const args = history.flatMap((m) => (m as AIMessage).tool_calls ?? []).reduce((sum, c) => sum + n(JSON.stringify(c.args)), 0);
    expect(args).toBeGreaterThan(60_000);
    expect(count.total).toBeGreaterThanOrEqual(args);
    // The tool_use block and the tool call are the same call: counted once, not twice.
    expect(count.total).toBeLessThan(1.2 * independentEstimate(history));
  });

  it.each([
    ["last", false],
    ["last", true],
    ["first", false],
  ] as const)(
    "strategy %s (includeSystem %s): keeps whole rounds within 8,000 tokens by core's and by tiktoken's count",
    (strategy, includeSystem) => {
      const kept = trimHistory(history, { model: MODEL, maxTokens: BUDGET, strategy, includeSystem });
      expect(kept.length).toBeGreaterThan(0);
      expect(kept.length).toBeLessThan(history.length / 5);
      expect(plainTotal(kept)).toBeLessThanOrEqual(BUDGET);
      expect(independentEstimate(kept)).toBeLessThanOrEqual(BUDGET);
      expect(independentEstimate(kept, nCl100k)).toBeLessThanOrEqual(BUDGET);
      expect(pairProblem(kept)).toBeUndefined();
      // Whole tool rounds: at least one kept, and a kept call never without its result.
      expect(kept.some((m) => ((m as AIMessage).tool_calls ?? []).length > 0)).toBe(true);
      for (const m of kept) expect(history).toContain(m);
      if (includeSystem) expect(kept[0]).toBe(history[0]);
      // Not too eager either: one more message from the dropped side (with its pair) would not fit.
      if (strategy === "last" && !includeSystem) {
        const start = history.indexOf(kept[0]!);
        let more = start - 1;
        while (more > 0 && history[more]!.getType() === "tool") more--;
        const wider = history.slice(more);
        expect(plainTotal(wider)).toBeGreaterThan(BUDGET);
      }
    },
  );
});
