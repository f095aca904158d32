import { Tiktoken } from "js-tiktoken/lite";
import cl100k_base from "js-tiktoken/ranks/cl100k_base";
import o200k_base from "js-tiktoken/ranks/o200k_base";

/**
 * The server's own prompt count: OpenAI's published chat rule (3 per message, +1 per name,
 * reply primed with 3; tools by the cookbook's rule) over js-tiktoken, written apart from
 * @tokenledger/core so that a test comparing the two checks one against the other.
 */
const encoders = new Map<string, Tiktoken>();

function encoderFor(model: string): Tiktoken {
  const name = /^(gpt-4(?!o|\.)|gpt-3\.5|gpt-35)/.test(model) ? "cl100k_base" : "o200k_base";
  let encoder = encoders.get(name);
  if (!encoder) {
    encoder = new Tiktoken(name === "cl100k_base" ? cl100k_base : o200k_base);
    encoders.set(name, encoder);
  }
  return encoder;
}

export interface WireMessage {
  role: string;
  content?: string | Array<{ type: string; text?: string }> | null;
  name?: string;
  tool_calls?: Array<{ id?: string; type?: string; function: { name: string; arguments: string } }>;
  tool_call_id?: string;
}

export interface WireTool {
  function: {
    name: string;
    description?: string;
    parameters?: { properties?: Record<string, { type?: string; description?: string; enum?: unknown[] }> };
  };
}

export function textTokens(model: string, text: string): number {
  return encoderFor(model).encode(text, "all").length;
}

export function promptTokens(model: string, messages: WireMessage[], tools: WireTool[] = []): number {
  const count = (text: string) => textTokens(model, text);
  let total = 3;
  for (const m of messages) {
    total += 3 + count(m.role);
    if (typeof m.content === "string") total += count(m.content);
    else if (Array.isArray(m.content)) for (const part of m.content) total += count(part.text ?? "");
    if (m.name) total += count(m.name) + 1;
    if (m.tool_call_id) total += count(m.tool_call_id);
    for (const call of m.tool_calls ?? []) total += count(call.function.name) + count(call.function.arguments);
  }
  return total + toolTokens(model, tools, count);
}

function toolTokens(model: string, tools: WireTool[], count: (text: string) => number): number {
  if (tools.length === 0) return 0;
  const trim = (s = "") => s.replace(/\.$/, "");
  const functionStart = encoderFor(model) === encoders.get("cl100k_base") ? 10 : 7;
  let total = 12;
  for (const { function: fn } of tools) {
    total += functionStart + count(`${fn.name}:${trim(fn.description)}`);
    const properties = Object.entries(fn.parameters?.properties ?? {});
    if (properties.length > 0) total += 3;
    for (const [key, p] of properties) {
      total += 3 + count(`${key}:${p.type ?? ""}:${trim(p.description)}`);
      if (Array.isArray(p.enum)) total += p.enum.reduce<number>((sum, item) => sum + 3 + count(String(item)), -3);
    }
  }
  return total;
}
