import { ChatAnthropic } from "@langchain/anthropic";
import { InMemoryChatMessageHistory } from "@langchain/core/chat_history";
import { HumanMessage, SystemMessage } from "@langchain/core/messages";
import { type AnthropicServer, startAnthropicServer } from "@tokenledger/openai-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TokenLedgerHandler } from "../ledger/index.js";
import { createHistoryTrimmer } from "../trim/index.js";
import { type Phase, phaseOf, phaseReply, userTurn } from "./phase-chat.test-helper.js";
import { TokenCalibration } from "./token-calibration.js";

const WINDOW = 1500;
const MAX_OUTPUT = 100;
const INPUT_BUDGET = WINDOW - MAX_OUTPUT;
const TURNS = 100;
/**
 * Turns of a phase before its fill counts: the history is then of the phase's kind of text only.
 * The fill counts only on turns where the history is over the budget (trimmed); before, the chat is too short to fill it.
 */
const SETTLE = 12;
const MODEL = "claude-sonnet-4-5";
const SYSTEM = "You are a concise travel assistant. Answer in the user's language.";

describe("TokenCalibration by kind of text: a claude-* model counted with Llama 3's tokenizer (the client does not know it)", () => {
  let server: AnthropicServer;
  beforeAll(async () => {
    server = await startAnthropicServer({ reply: phaseReply, contextWindow: WINDOW });
  });
  afterAll(() => server.close());

  it("100 turns of English, then Chinese, then code: no refusal, and each settled phase fills at least 85% of the input budget", async () => {
    const ledger = new TokenLedgerHandler();
    const calibration = new TokenCalibration();
    calibration.attach(ledger);
    const model = new ChatAnthropic({
      model: MODEL,
      apiKey: "test",
      anthropicApiUrl: server.baseURL,
      maxRetries: 0,
      maxTokens: MAX_OUTPUT,
    });
    const trimmer = createHistoryTrimmer({ model: MODEL, maxTokens: INPUT_BUDGET, includeSystem: true, startOn: "human", calibration });
    const store = new InMemoryChatMessageHistory();
    const fills: Record<Phase, number[]> = { english: [], chinese: [], code: [] };
    const refusals: string[] = [];
    for (let i = 0; i < TURNS; i++) {
      const phase = phaseOf(i, TURNS);
      await store.addMessage(new HumanMessage(userTurn(i, phase)));
      const history = [new SystemMessage(SYSTEM), ...(await store.getMessages())];
      const prompt = await trimmer.invoke(history);
      const answered = server.usages.length;
      try {
        await store.addMessage(await model.invoke(prompt, { callbacks: [ledger] }));
      } catch (error) {
        refusals.push(`turn ${i}: ${String((error as Error).message).slice(0, 120)}`);
        continue;
      }
      const reported = server.usages[answered]!.input_tokens;
      const start = [0, Math.floor(TURNS / 3), Math.floor((2 * TURNS) / 3)][["english", "chinese", "code"].indexOf(phase)]!;
      if (i - start >= SETTLE && prompt.length < history.length) fills[phase].push(reported / INPUT_BUDGET);
    }
    const stats = calibration.stats(MODEL)!;
    const summary = Object.fromEntries(
      Object.entries(fills).map(([phase, f]) => [
        phase,
        { min: Math.min(...f), mean: f.reduce((a, b) => a + b, 0) / f.length, turns: f.length },
      ]),
    );
    console.info(`fill of the input budget per settled phase: ${JSON.stringify(summary)}`);
    console.info(`calibration: ${JSON.stringify({ ...stats, byKind: stats.byKind, coefficients: stats.coefficients })}`);
    expect(refusals).toEqual([]);
    expect(stats.seen).toBe(TURNS);
    expect(stats.rejected).toBe(0);
    for (const phase of ["english", "chinese", "code"] as const) {
      expect(fills[phase].length).toBeGreaterThan(10);
      expect(Math.min(...fills[phase])).toBeGreaterThanOrEqual(0.85);
      expect(Math.max(...fills[phase])).toBeLessThanOrEqual(1);
    }
    expect(stats.calibratedError).toBeLessThan(stats.rawError);
  });
});
