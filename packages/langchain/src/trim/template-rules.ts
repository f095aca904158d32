import type { BaseMessage } from "@langchain/core/messages";
import { resolveModel } from "@tokenledger/core";
import { messageType as typeOf } from "../counters/index.js";
import { hasToolCalls } from "./tool-call-units.js";

/**
 * What an open-weight model's chat template refuses to render, for the families whose template
 * raises on a message order (the others render any order). One small table, read from the
 * templates themselves (`tokenizer_config.json` of each family), and checked against them in
 * `template-rules.integration.test.ts`:
 * - Gemma 3: after an optional first system message, every message alternates user / assistant,
 *   user first; a tool answer breaks that order (the template has no tool role), so tool-call
 *   pairs are never sent.
 * - Mistral NeMo: after an optional first system message, user and assistant messages alternate,
 *   user first; an assistant's tool calls and their answers are not counted in that order.
 * In both, a system message anywhere but first raises.
 */
export interface TemplateRules {
  /** Tool-call pairs (an AI message with tool calls and its answers) can be rendered. */
  toolCalls: boolean;
}

const RULES: Record<string, TemplateRules> = {
  gemma3: { toolCalls: false },
  mistral_nemo: { toolCalls: true },
};

/** The rules of the model's chat template, or undefined when it renders any order. */
export function templateRulesOf(model: string): TemplateRules | undefined {
  try {
    const { chatFormat, encoding } = resolveModel(model);
    return chatFormat === "template" ? RULES[encoding] : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The units of an API-valid list that the template renders, the newest kept: a leading system
 * message, then user and assistant turns alternating (of two same-role turns in a row, the
 * older is dropped), tool-call pairs whole (or dropped when the template cannot render them),
 * starting with a user turn. Other messages (a later system message, other roles) are dropped.
 * Messages are dropped, never changed or merged.
 */
export function conforming(list: BaseMessage[], units: Array<[number, number]>, rules: TemplateRules): Array<[number, number]> {
  const kept: Array<[number, number]> = [];
  let later: "user" | "assistant" | undefined;
  for (let u = units.length - 1; u >= 0; u--) {
    const unit = units[u]!;
    const message = list[unit[0]]!;
    const type = typeOf(message);
    if (u === 0 && unit[0] === 0 && type === "system") {
      kept.push(unit);
      continue;
    }
    if (type === "ai" && hasToolCalls(message)) {
      if (rules.toolCalls) kept.push(unit);
      continue;
    }
    const role = type === "human" ? "user" : type === "ai" ? "assistant" : undefined;
    if (role === undefined || role === later) continue;
    kept.push(unit);
    later = role;
  }
  kept.reverse();
  // The first turn after the system message is a user turn.
  const head = kept.length > 0 && typeOf(list[kept[0]![0]]) === "system" ? 1 : 0;
  let first = head;
  while (first < kept.length && typeOf(list[kept[first]![0]]) !== "human") first++;
  return [...kept.slice(0, head), ...kept.slice(first)];
}
