import type { Encoder } from "../encoder/index.js";
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

/**
 * Never throws: a tool that throws when read (a getter, a Proxy) counts as far as it could be
 * read, and the count is flagged approximate; so is a list that cannot be read, which counts 0.
 */
export function countToolDefinitions(tools: unknown, encoder: Encoder): ToolCount {
  const list: unknown[] = [];
  let unreadable = false;
  try {
    if (Array.isArray(tools)) for (const tool of tools) list.push(tool);
  } catch {
    unreadable = true;
  }
  if (list.length === 0) return { tokens: 0, approximate: unreadable };
  const counted = { tokens: 12, approximate: unreadable || (encoder.name !== "cl100k_base" && encoder.name !== "o200k_base") };
  for (const tool of list) {
    try {
      countTool(tool, encoder, counted);
    } catch {
      counted.approximate = true;
    }
  }
  return counted;
}

function countTool(tool: unknown, encoder: Encoder, counted: ToolCount): void {
  const fn = (tool as Partial<ToolDefinition> | null)?.function;
  if (!fn || typeof fn !== "object") {
    counted.approximate = true;
    return;
  }
  if (typeof fn.name !== "string" || (fn.description != null && typeof fn.description !== "string")) counted.approximate = true;
  counted.tokens +=
    (encoder.name === "cl100k_base" ? 10 : 7) + encoder.count(`${asText(fn.name)}:${withoutPeriod(asText(fn.description))}`);
  const properties = fn.parameters?.properties;
  if (!properties || typeof properties !== "object") return;
  const keys = Object.keys(properties);
  if (keys.length > 0) counted.tokens += 3;
  for (const key of keys) {
    const property = properties[key] ?? {};
    counted.tokens += 3;
    if (Array.isArray(property.enum)) {
      counted.tokens -= 3;
      for (const item of property.enum) {
        if (typeof item === "object" && item !== null) counted.approximate = true;
        counted.tokens += 3 + encoder.count(asText(item));
      }
    }
    if (property.type === "object" || property.type === "array" || property.properties || property.items) counted.approximate = true;
    counted.tokens += encoder.count(`${key}:${asText(property.type)}:${withoutPeriod(asText(property.description))}`);
  }
}

function withoutPeriod(text: string): string {
  return text.endsWith(".") ? text.slice(0, -1) : text;
}

/** A value as text: strings as they are, objects as JSON, other values by `String`; "" for what throws. */
export function asText(value: unknown): string {
  if (typeof value === "string") return value;
  if (value === null || value === undefined) return "";
  try {
    return typeof value === "object" ? (JSON.stringify(value) ?? "") : String(value);
  } catch {
    return "";
  }
}
