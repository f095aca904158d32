import type { Encoder } from "../encoder/create-encoder.js";
import type { ToolDefinition } from "./chat-types.js";

/**
 * The OpenAI cookbook's rule for `tools` ("How to count tokens with tiktoken"): each
 * function costs a fixed start (7 on o200k models, 10 on cl100k ones) plus
 * `name:description`; each property `key:type:description` plus 3, enums 3 per item
 * minus 3; properties add 3 once; the list closes with 12. Trailing periods of
 * descriptions are dropped, as the API's own rendering does.
 */
export interface ToolCount {
  tokens: number;
  /** Schemas the rule does not describe (nested objects, arrays of objects) were present. */
  approximate: boolean;
}

export function countToolDefinitions(tools: readonly ToolDefinition[], encoder: Encoder): ToolCount {
  if (!Array.isArray(tools) || tools.length === 0) return { tokens: 0, approximate: false };
  const functionStart = encoder.name === "cl100k_base" ? 10 : 7;
  let tokens = 12;
  let approximate = encoder.name !== "cl100k_base" && encoder.name !== "o200k_base";
  for (const tool of tools) {
    const fn = (tool as Partial<ToolDefinition> | null)?.function;
    if (!fn || typeof fn !== "object") {
      approximate = true;
      continue;
    }
    tokens += functionStart + encoder.count(`${asText(fn.name)}:${withoutPeriod(asText(fn.description))}`);
    const properties = fn.parameters?.properties;
    if (!properties || typeof properties !== "object") continue;
    const keys = Object.keys(properties);
    if (keys.length > 0) tokens += 3;
    for (const key of keys) {
      const property = properties[key] ?? {};
      tokens += 3;
      if (Array.isArray(property.enum)) {
        tokens -= 3;
        for (const item of property.enum) tokens += 3 + encoder.count(asText(item));
      }
      if (property.type === "object" || property.type === "array" || property.properties || property.items) approximate = true;
      tokens += encoder.count(`${key}:${asText(property.type)}:${withoutPeriod(asText(property.description))}`);
    }
  }
  return { tokens, approximate };
}

function withoutPeriod(text: string): string {
  return text.endsWith(".") ? text.slice(0, -1) : text;
}

export function asText(value: unknown): string {
  if (typeof value === "string") return value;
  if (value === null || value === undefined) return "";
  if (typeof value === "object") {
    try {
      return JSON.stringify(value) ?? "";
    } catch {
      return "";
    }
  }
  return String(value);
}
