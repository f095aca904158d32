import { AIMessage, type BaseMessage, HumanMessage, SystemMessage } from "@langchain/core/messages";
import { countMessages } from "@tokenledger/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { toChatMessage } from "../counters/index.js";
import { type LlmRunRecord, TokenLedgerHandler } from "../ledger/index.js";
import { trimHistory } from "../trim/index.js";
import { calibratedBudget, TokenCalibration } from "./token-calibration.js";

const usage = (input: number, output: number) => ({ input_tokens: input, output_tokens: output, total_tokens: input + output });

const CLAUDE = "claude-sonnet-4-5";
const exactCount = (messages: BaseMessage[], model: string) =>
  countMessages(
    messages.map((m) => toChatMessage(m)),
    { model },
  ).total;
const history = (n: number, text = (i: number) => `message number ${i} with a few words of English`) =>
  Array.from({ length: n }, (_, i) => (i % 2 === 0 ? new HumanMessage(text(i)) : new AIMessage(text(i))));

/** A provider that counts each kind of text at its own rate and adds framing per message and per prompt. */
function provider(messages: BaseMessage[], model = CLAUDE): number {
  let tokens = 6;
  for (const message of messages) {
    const text = String(message.content);
    const cjk = (text.match(/[\u4e00-\u9fff]/g) ?? []).length;
    tokens += 5 + Math.round(exactCount([new HumanMessage(text.replace(/[\u4e00-\u9fff]/g, ""))], model) * 1.1 + cjk * 1.6);
  }
  return tokens;
}

describe("TokenCalibration: the issue's bugs", () => {
  it("(a) never lets gpt-4o (counted exactly) trim past its budget, whatever was observed or given", () => {
    const chat = history(400);
    const calibration = new TokenCalibration({ minSamples: 1 });
    for (let i = 0; i < 5; i++) calibration.observe("gpt-4o", 1000, 400);
    expect(calibration.safetyFactor("gpt-4o")).toBeGreaterThanOrEqual(1);
    const kept = trimHistory(chat, { model: "gpt-4o", maxTokens: 1000, calibration });
    expect(exactCount(kept, "gpt-4o")).toBeLessThanOrEqual(1000);
    expect(exactCount(kept, "gpt-4o")).toBeGreaterThan(900);
    // A calibration of the user's own that says 0.4 is taken as 1 for an exactly counted model.
    const own = trimHistory(chat, { model: "gpt-4o", maxTokens: 1000, calibration: { safetyFactor: () => 0.4 } });
    expect(exactCount(own, "gpt-4o")).toBeLessThanOrEqual(1000);
    expect(calibratedBudget(1000, { safetyFactor: () => 0.4 }, "gpt-4o")).toBe(1000);
    // A factor below 1 is never safe as a prior: refused at construction.
    expect(() => new TokenCalibration({ priorFactor: 0.4 })).toThrow(RangeError);
  });

  it("(b) refuses a reported 1e9 (and a ratio 100x off), and the next 50 Claude trims keep what they kept before", () => {
    const chat = history(200);
    const calibration = new TokenCalibration();
    for (let n = 100; n <= 500; n += 100) {
      const prompt = chat.slice(0, n / 10);
      calibration.observe(CLAUDE, exactCount(prompt, CLAUDE), provider(prompt), { messages: prompt });
    }
    const before = trimHistory(chat, { model: CLAUDE, maxTokens: 2000, calibration });
    expect(before.length).toBeGreaterThan(10);
    expect(calibration.observe(CLAUDE, 1000, 1e9)).toBe(false);
    expect(calibration.observe(CLAUDE, 1000, 100_000)).toBe(false);
    expect(calibration.observe(CLAUDE, 1000, 10)).toBe(false);
    expect(calibration.stats(CLAUDE)).toMatchObject({ seen: 5, rejected: 3 });
    for (let i = 0; i < 50; i++) expect(trimHistory(chat, { model: CLAUDE, maxTokens: 2000, calibration })).toEqual(before);
    expect(provider(before)).toBeLessThanOrEqual(2000);
  });
});

describe("TokenCalibration", () => {
  it("learns the rate of each kind of text and the framing per message: one fit for English, Chinese and mixed prompts", () => {
    const calibration = new TokenCalibration();
    const english = (i: number) => `English turn ${i}: where should we walk after lunch, and is the museum open late today?`;
    const chinese = (i: number) => `第${i}轮：请推荐三家当地的餐厅，并说明每家的特色菜和大概价格。`;
    const prompts: BaseMessage[][] = [];
    for (let i = 0; i < 40; i++) {
      const size = 2 + (i % 9);
      const text = i % 3 === 0 ? chinese : i % 3 === 1 ? english : (k: number) => (k % 2 ? english(k) : chinese(k));
      prompts.push(history(size, (k) => text(i * 10 + k)));
    }
    for (const prompt of prompts) calibration.observe(CLAUDE, exactCount(prompt, CLAUDE), provider(prompt), { messages: prompt });
    const stats = calibration.stats(CLAUDE)!;
    expect(stats.coefficients.perMessage).toBeGreaterThan(2);
    expect(stats.byKind.cjk!.observations).toBeGreaterThan(10);
    expect(stats.byKind.latin!.observations).toBeGreaterThan(10);
    expect(stats.calibratedError).toBeLessThan(0.02);
    expect(stats.calibratedError).toBeLessThan(stats.rawError / 5);
    for (const prompt of [history(12, english), history(12, chinese), history(3, chinese)]) {
      const truth = provider(prompt);
      const estimate = calibration.estimate(CLAUDE, prompt);
      expect(Math.abs(estimate.tokens - truth) / truth).toBeLessThan(0.03);
      expect(estimate.upper).toBeGreaterThanOrEqual(truth);
      expect(estimate).toMatchObject({ approximate: true, samples: 40, margin: estimate.upper - estimate.tokens });
    }
  });

  it("a kind of text it has not seen keeps the prior's uncertainty: a wider margin than a known kind", () => {
    const calibration = new TokenCalibration();
    for (let i = 0; i < 20; i++) {
      const prompt = history(2 + (i % 7), (k) => `English turn ${i * 10 + k}: where should we walk after lunch today?`);
      calibration.observe(CLAUDE, exactCount(prompt, CLAUDE), provider(prompt), { messages: prompt });
    }
    const known = calibration.estimate(
      CLAUDE,
      history(6, (k) => `English turn ${k}: is the museum open late today?`),
    );
    const unseen = calibration.estimate(
      CLAUDE,
      history(6, (k) => `Ход ${k}: какой музей открыт сегодня вечером?`),
    );
    expect(unseen.margin / unseen.tokens).toBeGreaterThan((3 * known.margin) / known.tokens);
  });

  it("starts at the prior for an estimated model and 1 for an exact one, then follows the fit", () => {
    const calibration = new TokenCalibration({ priorFactor: 1.3, minSamples: 3 });
    expect(calibration.safetyFactor(CLAUDE)).toBe(1.3);
    expect(calibration.safetyFactor("gpt-4o")).toBe(1);
    expect(calibration.estimate("gpt-4o", [new HumanMessage("Hi")])).toMatchObject({ approximate: false, margin: 0 });
    calibration.observe(CLAUDE, 1000, 1100);
    expect(calibration.safetyFactor(CLAUDE)).toBeGreaterThanOrEqual(1.3);
    for (let i = 0; i < 20; i++) calibration.observe(CLAUDE, 1000 + 50 * i, Math.round((1000 + 50 * i) * 1.1));
    const factor = calibration.safetyFactor(CLAUDE);
    expect(factor).toBeGreaterThan(1.1);
    expect(factor).toBeLessThan(1.2);
    expect(calibration.safetyFactor("CLAUDE-SONNET-4-5 ")).toBe(factor);
    expect(calibration.estimate(CLAUDE, 2000).tokens).toBeCloseTo(2200, -1);
  });

  it("safety factors stay finite and bounded, and exact models never go below 1, whatever is observed", () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ estimated: fc.integer({ min: 1, max: 150_000 }), ratio: fc.double({ min: 0.001, max: 1000, noNaN: true }) }), {
          maxLength: 60,
        }),
        (pairs) => {
          const calibration = new TokenCalibration({ window: 20, minSamples: 1 });
          for (const { estimated, ratio } of pairs) {
            const reported = Math.max(1, Math.round(estimated * ratio));
            calibration.observe(CLAUDE, estimated, reported);
            calibration.observe("gpt-4o", estimated, reported);
          }
          for (const model of [CLAUDE, "gpt-4o"]) {
            const factor = calibration.safetyFactor(model);
            expect(Number.isFinite(factor)).toBe(true);
            expect(factor).toBeGreaterThanOrEqual(model === "gpt-4o" ? 1 : 1 / 8);
            expect(factor).toBeLessThanOrEqual(8);
          }
          expect(calibratedBudget(1000, calibration, "gpt-4o")).toBeLessThanOrEqual(1000);
          expect(calibratedBudget(1000, calibration, CLAUDE)).toBeGreaterThan(0);
        },
      ),
    );
  });

  it("rejects bad options at construction with one clear error", () => {
    for (const options of [
      { window: 0 },
      { window: 2.5 },
      { maxModels: Number.NaN },
      { minSamples: -1 },
      { sigmas: -1 },
      { priorFactor: Infinity },
    ]) {
      expect(() => new TokenCalibration(options)).toThrow(/TokenCalibration: \w+ must be/);
    }
    expect(() => new TokenCalibration({ priorFactor: 1, sigmas: 0, window: 1 })).not.toThrow();
  });

  it("rejects numbers that cannot be prompt sizes and keeps bounded memory", () => {
    const calibration = new TokenCalibration({ window: 4, maxModels: 3 });
    for (const [e, r] of [
      [0, 10],
      [10, 0],
      [Number.NaN, 10],
      [10, Number.POSITIVE_INFINITY],
      [-1, 5],
    ]) {
      expect(calibration.observe("m", e!, r!)).toBe(false);
    }
    expect(calibration.stats("m")).toBeUndefined();
    for (let i = 0; i < 100; i++) calibration.observe(`model-${i % 7}`, 100, 100 + i);
    const held = Array.from({ length: 7 }, (_, i) => calibration.stats(`model-${i}`)).filter(Boolean);
    expect(held).toHaveLength(3);
    for (const stats of held) expect(stats!.samples).toBeLessThanOrEqual(4);
  });

  it("observes only ok, uncached ledger records with the provider's input tokens and our estimate", () => {
    const calibration = new TokenCalibration();
    const record = (fields: Partial<LlmRunRecord>) =>
      ({
        runId: "r",
        status: "ok",
        cached: false,
        source: "provider",
        model: "claude-x",
        estimatedInputTokens: 100,
        reported: { inputTokens: 120, from: "usage_metadata" },
        ...fields,
      }) as LlmRunRecord;
    expect(calibration.observeRecord(record({ status: "error" }))).toBe(false);
    expect(calibration.observeRecord(record({ cached: true }))).toBe(false);
    expect(calibration.observeRecord(record({ source: "local" }))).toBe(false);
    expect(calibration.observeRecord(record({ estimatedInputTokens: undefined }))).toBe(false);
    expect(calibration.observeRecord(record({}))).toBe(true);
    expect(calibration.stats("claude-x")).toMatchObject({ samples: 1, seen: 1, byKind: { unsplit: { observations: 1 } } });
    expect(calibration.stats("claude-x")!.ratio).toBeCloseTo(1.2, 1);
  });

  it("matches the prompts an attached ledger announces (onRunStart) with their records, and detaches cleanly", () => {
    const calibration = new TokenCalibration();
    const ledger = new TokenLedgerHandler();
    const stop = calibration.attach(ledger);
    const prompt = [new SystemMessage("Be brief."), new HumanMessage("你好，世界")];
    ledger.handleChatModelStart({ lc: 1, type: "not_implemented", id: ["ChatAnthropic"] }, [prompt], "run-1", undefined, {
      invocation_params: { model: CLAUDE },
    });
    ledger.handleLLMEnd(
      { generations: [[{ text: "好", message: new AIMessage({ content: "好", usage_metadata: usage(20, 1) }) } as never]] },
      "run-1",
    );
    expect(ledger.getRun("run-1")).toMatchObject({ estimatedInputTokens: exactCount(prompt, CLAUDE), reported: { inputTokens: 20 } });
    expect(Object.keys(calibration.stats(CLAUDE)!.byKind)).toEqual(["cjk"]);
    stop();
    ledger.handleChatModelStart({ lc: 1, type: "not_implemented", id: ["ChatAnthropic"] }, [prompt], "run-2", undefined, {
      invocation_params: { model: CLAUDE },
    });
    ledger.handleLLMEnd(
      { generations: [[{ text: "好", message: new AIMessage({ content: "好", usage_metadata: usage(20, 1) }) } as never]] },
      "run-2",
    );
    expect(calibration.stats(CLAUDE)!.seen).toBe(1);
  });

  it("shrinks trimHistory's budget by the safety factor, and leaves it alone without one", () => {
    expect(calibratedBudget(1000, undefined, "m")).toBe(1000);
    expect(calibratedBudget(1000, { safetyFactor: () => 1.25 }, "m")).toBe(800);
    expect(calibratedBudget(1000, { safetyFactor: () => Number.NaN }, "m")).toBe(1000);
    expect(
      calibratedBudget(
        1000,
        {
          safetyFactor: () => {
            throw new Error("broken");
          },
        },
        "m",
      ),
    ).toBe(1000);
    const chat = history(40);
    const plain = trimHistory(chat, { model: "gpt-4o", maxTokens: 300 });
    const calibrated = trimHistory(chat, { model: "gpt-4o", maxTokens: 300, calibration: { safetyFactor: () => 2 } });
    const half = trimHistory(chat, { model: "gpt-4o", maxTokens: 150 });
    expect(calibrated).toEqual(half);
    expect(calibrated.length).toBeLessThan(plain.length);
  });
});
