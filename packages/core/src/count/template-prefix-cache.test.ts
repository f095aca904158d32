import { beforeAll, describe, expect, it } from "vitest";
import { loadReference, type Reference } from "../open-weight/reference-tokenizer.test-helper.js";
import type { ChatMessage } from "./chat-types.js";
import { countMessages } from "./count-messages.js";
import { prefixKeys } from "./template-prefix-cache.js";

// The prefix cache changes no count: a history counted as it grows, a message changed in place
// between two counts and equal copies all count as the reference renders them (Qwen 3's template
// by @huggingface/jinja, encoded by @huggingface/tokenizers).
describe("templated counting with remembered prefixes", () => {
  let reference: Reference;
  beforeAll(() => {
    reference = loadReference("qwen3");
  }, 300_000);
  const rendered = (messages: ChatMessage[], addGenerationPrompt: boolean) =>
    reference.ids(
      reference.template.render({ ...reference.tokens, messages: structuredClone(messages), add_generation_prompt: addGenerationPrompt }),
    ).length;
  const growth = (messages: ChatMessage[], i: number) =>
    rendered(messages.slice(0, i + 1), false) - (i === 0 ? 0 : rendered(messages.slice(0, i), false));

  it("counts a growing history, a copy of it and a message changed in place as the reference", () => {
    const history: ChatMessage[] = [{ role: "system", content: "Be brief." }];
    for (let turn = 0; turn < 12; turn++) {
      history.push({ role: turn % 2 ? "assistant" : "user", content: `turn ${turn}: ${"word ".repeat(turn)}` });
      const counted = countMessages(history, { model: "qwen3-32b" });
      expect(counted.total).toBe(rendered(history, true));
      expect(counted.perMessage.at(-2)).toBe(growth(history, history.length - 2));
    }
    const copy = structuredClone(history);
    expect(countMessages(copy, { model: "qwen3-32b" })).toEqual(countMessages(history, { model: "qwen3-32b" }));
    history[3]!.content = "changed in place, and rather longer than it was before";
    const counted = countMessages(history, { model: "qwen3-32b" });
    expect(counted.total).toBe(rendered(history, true));
    expect(counted.perMessage).toEqual(history.map((_, i) => growth(history, i)));
  });

  it("keys prefixes by content, renderer and encoder, and stops at what JSON cannot write", () => {
    const a = {};
    const b = {};
    const messages = [
      { role: "user", content: "x" },
      { role: "user", content: "y" },
    ];
    expect(prefixKeys(messages, a, b)).toEqual(prefixKeys(structuredClone(messages), a, b));
    expect(prefixKeys(messages, a, b)[1]).not.toBe(prefixKeys(messages, b, a)[1]);
    expect(prefixKeys([{ content: Number.NaN }], a, b)[0]).not.toBe(prefixKeys([{ content: null }], a, b)[0]);
    expect(prefixKeys([{ content: "x" }, { content: 1n }, { content: "z" }], a, b)).toEqual([expect.any(String), undefined, undefined]);
  });
});
