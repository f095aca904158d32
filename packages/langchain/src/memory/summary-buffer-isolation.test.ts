import { InMemoryChatMessageHistory } from "@langchain/core/chat_history";
import { AIMessage, type BaseMessage, HumanMessage } from "@langchain/core/messages";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createSummaryBuffer } from "./create-summary-buffer.js";
import { type SummarizerLike, SummaryBuffer } from "./summary-buffer.js";
import { SummaryBufferChatMessageHistory } from "./summary-buffer-history.js";

const MODEL = "gpt-4o-mini";

/** Summarizes by keeping every line it was given (so a summary shows exactly what it covers); counts its calls. */
function echoSummarizer(delayMs = 0) {
  const state = { calls: 0, lines: 0 };
  const summarizer: SummarizerLike = {
    async invoke(input) {
      state.calls++;
      if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
      const text = String(input[1]!.content);
      const old = /Current summary:\n([\s\S]*?)\n\nNew lines/.exec(text)![1]!;
      const lines = text.split("New lines of conversation:\n")[1]!.split("\n\nNew summary:")[0]!.split("\n");
      state.lines += lines.length;
      return { content: `${old === "(none)" ? "" : `${old} | `}${lines.join(" | ")}` };
    },
  };
  return { summarizer, state };
}

const filler = () =>
  Array.from({ length: 12 }, (_, i) =>
    i % 2 ? new AIMessage(`Answer ${i}: the museums of Lyon open at nine.`) : new HumanMessage(`Question ${i}: when do museums open?`),
  );

describe("summary memory without a thread key never mixes users", () => {
  it("createSummaryBuffer: a second user's prompt never carries the first user's summary, even with the same words at the same place", async () => {
    const { summarizer } = echoSummarizer();
    const memory = createSummaryBuffer({ summarizer, model: MODEL, maxTokens: 160, maxSummaryTokens: 100 });
    const ada = [new HumanMessage("My card number is 4111-1111-1111-1111."), new AIMessage("Got it."), ...filler()];
    const adaPrompt = await memory.invoke(ada);
    expect(JSON.stringify(adaPrompt)).toContain("4111");
    const bob = [new HumanMessage("Hello, I am Bob."), new AIMessage("Got it."), ...filler()];
    const bobPrompt = await memory.invoke(bob);
    expect(JSON.stringify(bobPrompt)).not.toContain("4111");
    expect(JSON.stringify(bobPrompt)).toContain("Bob");
  });

  it("one message object shared by two conversations carries nothing across", async () => {
    const { summarizer } = echoSummarizer();
    const buffer = new SummaryBuffer({ summarizer, model: MODEL, maxTokens: 160, maxSummaryTokens: 100 });
    const ack = new AIMessage("Got it.");
    const shared = filler();
    const ada = await buffer.fit({ messages: [new HumanMessage("My card number is 4111-1111-1111-1111."), ack, ...shared] });
    expect(ada.summary).toContain("4111");
    const bob = await buffer.fit({ messages: [new HumanMessage("Hello, I am Bob."), ack, ...shared] });
    expect(bob.summary).not.toContain("4111");
    expect(JSON.stringify(bob.messages)).not.toContain("4111");
  });

  it("the same conversation read again reuses its summary (by identity without a key, by content with one)", async () => {
    const { summarizer, state } = echoSummarizer();
    const buffer = new SummaryBuffer({ summarizer, model: MODEL, maxTokens: 160 });
    const messages = [new HumanMessage("My name is Ada."), ...filler()];
    const first = await buffer.fit({ messages });
    const calls = state.calls;
    expect(calls).toBeGreaterThan(0);
    expect((await buffer.fit({ messages: [...messages] })).messages).toEqual(first.messages);
    expect(state.calls).toBe(calls);
    // A keyed thread whose store reads new objects each time (a database) keeps its summary.
    const copy = () =>
      messages.map((m) => (m.getType() === "human" ? new HumanMessage(String(m.content)) : new AIMessage(String(m.content))));
    await buffer.fit({ messages: copy(), thread: "ada" });
    const keyed = state.calls;
    await buffer.fit({ messages: copy(), thread: "ada" });
    expect(state.calls).toBe(keyed);
    // An edited start is a new conversation.
    const edited = copy();
    edited[0] = new HumanMessage("My name is Eve.");
    expect((await buffer.fit({ messages: edited, thread: "ada" })).summary).not.toContain("Ada");
  });
});

describe("summary memory with a message object that appears twice", () => {
  it("folds or keeps every message between the two copies", async () => {
    const { summarizer, state } = echoSummarizer();
    const buffer = new SummaryBuffer({ summarizer, model: MODEL, maxTokens: 30, maxSummaryTokens: 20, lowWaterMark: 1 });
    const twice = new HumanMessage("Again?");
    const conversation = [twice, ...filler().slice(1, 8), twice, new AIMessage("Nine.")];
    const result = await buffer.fit({ messages: conversation });
    expect(result.degraded).toBe(false);
    expect(result.summarizedCount).toBeGreaterThanOrEqual(8);
    expect(result.messages.slice(1)).toEqual(conversation.slice(result.summarizedCount));
    expect(state.lines).toBe(result.summarizedCount);
  });

  it("property: whatever objects repeat, each position is either summarized or kept, in order", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(fc.string({ maxLength: 40 }), fc.nat(30)), { minLength: 1, maxLength: 30 }),
        fc.integer({ min: 60, max: 300 }),
        fc.option(fc.double({ min: 0.05, max: 1, noNaN: true }), { nil: undefined }),
        async (steps, maxTokens, lowWaterMark) => {
          const { summarizer, state } = echoSummarizer();
          const buffer = new SummaryBuffer({ summarizer, model: MODEL, maxTokens, maxSummaryTokens: 20, lowWaterMark });
          const store: BaseMessage[] = [];
          for (const [i, step] of steps.entries()) {
            // A number repeats an earlier object; a string is a new message.
            if (typeof step === "number" && store.length > 0) store.push(store[step % store.length]!);
            else store.push(i % 2 ? new AIMessage(`a ${String(step)}`) : new HumanMessage(`q ${String(step)}`));
            const result = await buffer.fit({ messages: store, thread: "t" });
            const turns = result.messages.slice(result.summary ? 1 : 0);
            expect(turns).toEqual(store.slice(result.summarizedCount));
            for (const [k, m] of turns.entries()) expect(m).toBe(store[result.summarizedCount + k]);
            expect(state.lines).toBeGreaterThanOrEqual(result.summarizedCount);
          }
        },
      ),
      { numRuns: 80 },
    );
  });
});

describe("summary memory degrades on any summarizer failure", () => {
  const hostile: Array<[string, () => unknown]> = [
    ["a null-prototype object", () => Object.create(null)],
    [
      "an Error whose message getter throws",
      () => {
        const error = new Error("x");
        Object.defineProperty(error, "message", {
          get() {
            throw new Error("no message");
          },
        });
        return error;
      },
    ],
    [
      "a Proxy that throws on every read",
      () =>
        new Proxy(
          {},
          {
            get() {
              throw new Error("trap");
            },
            getPrototypeOf() {
              throw new Error("trap");
            },
          },
        ),
    ],
    ["undefined", () => undefined],
  ];
  it.each(hostile)("rejecting with %s", async (_name, reason) => {
    const buffer = new SummaryBuffer({ summarizer: { invoke: () => Promise.reject(reason()) }, model: MODEL, maxTokens: 80 });
    const result = await buffer.fit({ messages: filler() });
    expect(result).toMatchObject({ degraded: true, error: "the summarizer failed", summarizedCount: 0 });
    expect(result.promptTokens).toBeLessThanOrEqual(80);
  });

  it("a summarizer that throws synchronously, or answers with a throwing content getter", async () => {
    const sync = new SummaryBuffer({
      summarizer: {
        invoke: () => {
          throw new Error("sync boom");
        },
      },
      model: MODEL,
      maxTokens: 80,
    });
    expect(await sync.fit({ messages: filler() })).toMatchObject({ degraded: true, error: "sync boom" });
    const answer = {
      get content(): unknown {
        throw new Error("bad content");
      },
    };
    const getter = new SummaryBuffer({ summarizer: { invoke: async () => answer }, model: MODEL, maxTokens: 80 });
    expect(await getter.fit({ messages: filler() })).toMatchObject({ degraded: true, error: "bad content" });
  });
});

describe("concurrent reads of one conversation share one fold", () => {
  it("10 concurrent getMessages() on one history make the summarizer calls of one read", async () => {
    const history = async () => {
      const store = new InMemoryChatMessageHistory();
      await store.addMessages([new HumanMessage("My name is Ada."), ...filler(), ...filler(), ...filler()]);
      const { summarizer, state } = echoSummarizer(5);
      return { memory: new SummaryBufferChatMessageHistory(store, { summarizer, model: MODEL, maxTokens: 60, lowWaterMark: 1 }), state };
    };
    const one = await history();
    const alone = await one.memory.getMessages();
    expect(one.state.calls).toBeGreaterThanOrEqual(3);
    const ten = await history();
    const reads = await Promise.all(Array.from({ length: 10 }, () => ten.memory.getMessages()));
    expect(ten.state.calls).toBe(one.state.calls);
    for (const read of reads) expect(JSON.stringify(read)).toBe(JSON.stringify(alone));
  });

  it("with a thread key, and without one (the same message objects)", async () => {
    const messages = [new HumanMessage("My name is Ada."), ...filler(), ...filler()];
    for (const thread of ["user-1", undefined]) {
      const { summarizer, state } = echoSummarizer(5);
      const buffer = new SummaryBuffer({ summarizer, model: MODEL, maxTokens: 60 });
      const results = await Promise.all(Array.from({ length: 10 }, () => buffer.fit({ messages, thread })));
      expect(results.filter((r) => r.summaryCalls > 0)).toHaveLength(1);
      expect(state.calls).toBe(results[0]!.summaryCalls);
    }
  });
});

describe("summary memory properties", () => {
  it("property: without a key, conversations that share message objects never carry each other's words", async () => {
    const pool = Array.from({ length: 4 }, (_, i) => (i % 2 ? new AIMessage(`Got it ${i}.`) : new HumanMessage(`Okay ${i}.`)));
    const steps = fc.array(fc.oneof(fc.nat(3), fc.constant("own" as const)), { minLength: 2, maxLength: 24 });
    await fc.assert(
      fc.asyncProperty(steps, steps, fc.integer({ min: 50, max: 200 }), async (adaSteps, bobSteps, maxTokens) => {
        const { summarizer } = echoSummarizer();
        const buffer = new SummaryBuffer({ summarizer, model: MODEL, maxTokens, maxSummaryTokens: 40 });
        const build = (who: string, list: Array<number | "own">) =>
          list.map((step, i) => (step === "own" ? new HumanMessage(`${who}-${i} says something of their own`) : pool[step]!));
        const ada = build("ada", adaSteps);
        const bob = build("bob", bobSteps);
        for (let round = 0; round < 2; round++) {
          for (const [who, other, messages] of [
            ["ada", "bob", ada],
            ["bob", "ada", bob],
          ] as const) {
            const result = await buffer.fit({ messages: round === 0 ? messages : [...messages, new HumanMessage(`${who} again`)] });
            expect(result.summary).not.toContain(`${other}-`);
            expect(JSON.stringify(result.messages)).not.toContain(`${other}-`);
          }
        }
      }),
      { numRuns: 80 },
    );
  });

  it("property: concurrent fits of one conversation, in any interleaving of the summarizer's answers, make the calls of one", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        fc.integer({ min: 2, max: 6 }),
        fc.integer({ min: 6, max: 40 }),
        fc.option(fc.constant("t"), { nil: undefined }),
        async (s, readers, length, thread) => {
          const messages = Array.from({ length }, (_, i) =>
            i % 2 ? new AIMessage(`a${i} ${"x ".repeat(i % 7)}`) : new HumanMessage(`q${i}`),
          );
          const baseline = echoSummarizer();
          const alone = await new SummaryBuffer({ summarizer: baseline.summarizer, model: MODEL, maxTokens: 60 }).fit({ messages, thread });
          const echo = echoSummarizer();
          let calls = 0;
          const scheduled: SummarizerLike = {
            invoke: (input, options) => {
              calls++;
              return s.schedule(echo.summarizer.invoke(input, options));
            },
          };
          const buffer = new SummaryBuffer({ summarizer: scheduled, model: MODEL, maxTokens: 60 });
          const all = Promise.all(Array.from({ length: readers }, () => buffer.fit({ messages, thread })));
          const results = await s.waitFor(all);
          expect(calls).toBe(baseline.state.calls);
          for (const result of results) expect(result.messages).toEqual(alone.messages);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe("summary memory is bounded", () => {
  it("keeps at most maxThreads thread summaries, the least recently used forgotten", async () => {
    const { summarizer } = echoSummarizer();
    const buffer = new SummaryBuffer({ summarizer, model: MODEL, maxTokens: 80, maxThreads: 5 });
    for (let t = 0; t < 50; t++) await buffer.fit({ messages: filler(), thread: `user-${t}` });
    expect(buffer.summaryOf("user-0")).toBe("");
    expect(buffer.summaryOf("user-44")).toBe("");
    for (let t = 45; t < 50; t++) expect(buffer.summaryOf(`user-${t}`)).not.toBe("");
  });
});
