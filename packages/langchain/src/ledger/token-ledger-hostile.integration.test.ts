import { HumanMessage } from "@langchain/core/messages";
import { ChatOpenAI } from "@langchain/openai";
import { type OpenAIServer, promptTokens, startOpenAIServer, textTokens, type Usage } from "@tokenledger/openai-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectSound, llm } from "./expect-sound.test-helper.js";
import { TokenLedgerHandler } from "./token-ledger-handler.js";

describe("hostile usage from a real ChatOpenAI over HTTP", () => {
  let reported: Record<string, unknown> = {};
  let server: OpenAIServer;
  beforeAll(async () => {
    server = await startOpenAIServer({ usage: () => reported as unknown as Usage });
  });
  afterAll(() => server.close());

  const cases: Array<[string, Record<string, unknown>]> = [
    ["a fractional prompt_tokens", { prompt_tokens: 10.5, completion_tokens: 3, total_tokens: 13.5 }],
    [
      "a fractional cached_tokens",
      { prompt_tokens: 10, completion_tokens: 3, total_tokens: 13, prompt_tokens_details: { cached_tokens: 2.5 } },
    ],
    [
      "more cached tokens than prompt tokens",
      { prompt_tokens: 10, completion_tokens: 3, total_tokens: 13, prompt_tokens_details: { cached_tokens: 500 } },
    ],
    ["a negative prompt_tokens", { prompt_tokens: -10, completion_tokens: 3, total_tokens: -7 }],
    ["a string prompt_tokens", { prompt_tokens: "12", completion_tokens: 3, total_tokens: 15 }],
    ["a total below the input", { prompt_tokens: 50, total_tokens: 10 }],
    ["huge numbers", { prompt_tokens: 1e20, completion_tokens: 1e20, total_tokens: 2e20 }],
  ];

  for (const [name, usage] of cases) {
    it(`${name}: flagged invalid-usage, our counts used, source local`, async () => {
      reported = usage;
      const ledger = new TokenLedgerHandler();
      const model = new ChatOpenAI({ model: "gpt-4o-mini", apiKey: "test", maxRetries: 0, configuration: { baseURL: server.baseURL } });
      const result = await model.invoke("How many tokens is this?", { callbacks: [ledger] });
      const request = server.requests.at(-1)!;
      const [record] = ledger.records();
      expectSound(ledger, record);
      expect(record).toMatchObject({
        source: "local",
        inputTokens: promptTokens("gpt-4o-mini", request.messages),
        outputTokens: textTokens("gpt-4o-mini", String(result.content)),
      });
      expect(record!.flags).toContain("invalid-usage");
      expect(record!.reported).toBeUndefined();
      expect(ledger.totals()).toMatchObject({ calls: 1, inputTokens: record!.inputTokens, cachedInputTokens: 0 });
    });
  }

  it("missing numbers (NaN arrives as null) are not a problem: the provider's others are kept", async () => {
    reported = { prompt_tokens: Number.NaN, completion_tokens: 4, total_tokens: null };
    const ledger = new TokenLedgerHandler();
    const model = new ChatOpenAI({ model: "gpt-4o-mini", apiKey: "test", maxRetries: 0, configuration: { baseURL: server.baseURL } });
    await model.invoke("Hi", { callbacks: [ledger] });
    const record = ledger.records()[0];
    expectSound(ledger, record);
    expect(record).toMatchObject({
      source: "provider",
      outputTokens: 4,
      inputTokens: promptTokens("gpt-4o-mini", server.requests.at(-1)!.messages),
    });
    expect(record!.flags).not.toContain("invalid-usage");
  });
});

describe("errors and aborts", () => {
  let server: OpenAIServer;
  beforeAll(async () => {
    server = await startOpenAIServer({
      fail: (request) => {
        const text = String(request.messages.at(-1)?.content);
        if (text === "rate")
          return { status: 429, type: "rate_limit_exceeded", message: "Rate limit reached for gpt-4o-mini on tokens per min." };
        if (text === "abort-text") return { status: 400, message: "Request aborted by the moderation filter." };
        return undefined;
      },
    });
  });
  afterAll(() => server.close());
  const model = () => new ChatOpenAI({ model: "gpt-4o-mini", apiKey: "test", maxRetries: 0, configuration: { baseURL: server.baseURL } });

  it("record.error is the provider's message on one line, without LangChain's troubleshooting text", async () => {
    const ledger = new TokenLedgerHandler();
    const thrown = await model()
      .invoke("rate", { callbacks: [ledger] })
      .catch((e: Error) => e);
    expect(String((thrown as Error).message)).toContain("\n");
    const record = ledger.records()[0]!;
    expect(record.error).toBe((thrown as Error).message.split("\n")[0]!.trim());
    expect(record.error).toContain("Rate limit reached for gpt-4o-mini on tokens per min.");
    expect(record.error).not.toMatch(/Troubleshooting|\n/);
    expect(record.flags).not.toContain("aborted");
  });

  it("a message that mentions aborting is not an abort; an AbortError or the run's AbortSignal is", async () => {
    const ledger = new TokenLedgerHandler();
    await expect(model().invoke("abort-text", { callbacks: [ledger] })).rejects.toThrow(/aborted by the moderation filter/);
    expect(ledger.records()[0]!.flags).not.toContain("aborted");

    ledger.handleChatModelStart(llm, [[new HumanMessage("hi")]], "typed");
    ledger.handleLLMError(new DOMException("The user aborted a request.", "AbortError"), "typed");
    expect(ledger.getRun("typed")!.flags).toContain("aborted");

    const controller = new AbortController();
    controller.abort();
    await expect(model().invoke("never sent", { callbacks: [ledger], signal: controller.signal })).rejects.toThrow();
    expect(ledger.pendingCount).toBe(0);
  });
});
