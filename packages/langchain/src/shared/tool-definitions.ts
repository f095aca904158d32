import { convertToOpenAITool, isLangChainTool } from "@langchain/core/utils/function_calling";
import type { ToolDefinition } from "@tokenledger/core";

/**
 * Tools in any shape the package is given as the OpenAI definitions counting takes: an OpenAI
 * definition as it is; a LangChain tool converted as `ChatOpenAI` converts it; a provider's
 * function tool in its own shape (Anthropic's `input_schema`, a bare `parameters`) rebuilt as
 * an OpenAI one; a provider's built-in tool (no function shape, nothing to count) passed as it
 * is, so the count flags it approximate. Not an array: `[]`. Never throws: a tool whose
 * conversion throws, or that is not an object, is left out. `onGuess` is called once per tool
 * that was not already an OpenAI definition.
 *
 * @example
 * ```ts
 * toToolDefinitions([tool(fn, { name: "lookup", schema: z.object({ word: z.string() }) })]);
 * // [{ type: "function", function: { name: "lookup", description: "...", parameters: { type: "object", ... } } }]
 * toToolDefinitions([{ name: "get_weather", description: "Weather", input_schema: { type: "object", properties: {} } }]);
 * // [{ type: "function", function: { name: "get_weather", description: "Weather", parameters: { type: "object", properties: {} } } }]
 * ```
 */
export function toToolDefinitions(tools: unknown, onGuess?: () => void): ToolDefinition[] {
  if (!Array.isArray(tools)) return [];
  const definitions: ToolDefinition[] = [];
  for (const tool of tools) {
    const definition = toToolDefinition(tool);
    if (!isOpenAIDefinition(tool)) onGuess?.();
    if (definition !== undefined) definitions.push(definition);
  }
  return definitions;
}

function toToolDefinition(tool: unknown): ToolDefinition | undefined {
  try {
    if (isOpenAIDefinition(tool)) return tool;
    if (isLangChainTool(tool)) return convertToOpenAITool(tool) as ToolDefinition;
    if (tool === null || typeof tool !== "object") return undefined;
    const t = tool as { name?: unknown; description?: unknown; input_schema?: unknown; parameters?: unknown };
    const schema = t.input_schema ?? t.parameters;
    if (typeof t.name !== "string" || schema === undefined) return tool as ToolDefinition;
    return {
      type: "function",
      function: {
        name: t.name,
        description: t.description as string | undefined,
        parameters: schema as ToolDefinition["function"]["parameters"],
      },
    };
  } catch {
    return undefined;
  }
}

function isOpenAIDefinition(tool: unknown): tool is ToolDefinition {
  try {
    return tool !== null && typeof tool === "object" && "function" in tool;
  } catch {
    return false;
  }
}
