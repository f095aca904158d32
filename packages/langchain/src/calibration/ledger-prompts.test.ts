import { HumanMessage } from "@langchain/core/messages";
import { describe, expect, it } from "vitest";
import { TokenLedgerHandler } from "../ledger/index.js";
import { watchPrompts } from "./ledger-prompts.js";

const llm = { lc: 1 as const, type: "not_implemented" as const, id: ["x"] };

describe("watchPrompts", () => {
  it("keeps what a ledger's runs were sent by run id, through onRunStart, leaving the ledger's own methods alone", () => {
    const ledger = new TokenLedgerHandler();
    const before = ledger.handleChatModelStart;
    const { prompts, stop } = watchPrompts(ledger);
    expect(ledger.handleChatModelStart).toBe(before);
    const sent = [new HumanMessage("Hi")];
    const tools = [{ type: "function", function: { name: "f" } }];
    ledger.handleChatModelStart(llm, [sent], "run-1", undefined, { invocation_params: { model: "gpt-4o", tools } });
    expect(prompts.get("run-1")).toEqual({ messages: sent, tools });
    expect(prompts.get("run-1")?.messages).toBe(sent);
    expect(ledger.pendingCount).toBe(1);
    expect(() => ledger.handleChatModelStart(llm, undefined as never, "run-2")).not.toThrow();
    expect(prompts.has("run-2")).toBe(false);
    for (let i = 0; i < 1_500; i++) ledger.handleChatModelStart(llm, [sent], `many-${i}`);
    expect(prompts.size).toBe(1_000);
    stop();
    expect(prompts.size).toBe(0);
    ledger.handleChatModelStart(llm, [sent], "after-stop");
    expect(prompts.size).toBe(0);
  });

  it("gives no prompts for a ledger that does not announce its runs' starts", () => {
    const plain = { onRecord: () => () => {} };
    const { prompts, stop } = watchPrompts(plain);
    stop();
    expect(prompts.size).toBe(0);
    expect(Object.keys(plain)).toEqual(["onRecord"]);
  });
});
