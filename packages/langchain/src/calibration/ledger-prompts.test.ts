import { HumanMessage } from "@langchain/core/messages";
import { describe, expect, it } from "vitest";
import { TokenLedgerHandler } from "../ledger/index.js";
import { watchPrompts } from "./ledger-prompts.js";

describe("watchPrompts", () => {
  it("keeps what a ledger's runs were sent by run id, runs the ledger's own start first, and restores it on stop", () => {
    const ledger = new TokenLedgerHandler();
    const own = Object.hasOwn(ledger, "handleChatModelStart");
    const before = ledger.handleChatModelStart;
    const { prompts, stop } = watchPrompts(ledger);
    const sent = [new HumanMessage("Hi")];
    const tools = [{ type: "function", function: { name: "f" } }];
    ledger.handleChatModelStart({ lc: 1, type: "not_implemented", id: ["x"] }, [sent], "run-1", undefined, {
      invocation_params: { model: "gpt-4o", tools },
    });
    expect(prompts.get("run-1")).toEqual({ messages: sent, tools });
    expect(ledger.pendingCount).toBe(1);
    expect(() => ledger.handleChatModelStart({ lc: 1, type: "not_implemented", id: ["x"] }, undefined as never, "run-2")).not.toThrow();
    for (let i = 0; i < 1_500; i++) ledger.handleChatModelStart({ lc: 1, type: "not_implemented", id: ["x"] }, [sent], `many-${i}`);
    expect(prompts.size).toBe(1_000);
    stop();
    expect(prompts.size).toBe(0);
    expect(Object.hasOwn(ledger, "handleChatModelStart")).toBe(own);
    expect(ledger.handleChatModelStart).toBe(before);
  });

  it("does nothing to an object that is not a callback handler", () => {
    const plain = { onRecord: () => () => {} };
    const { prompts, stop } = watchPrompts(plain);
    stop();
    expect(prompts.size).toBe(0);
    expect(Object.keys(plain)).toEqual(["onRecord"]);
  });
});
