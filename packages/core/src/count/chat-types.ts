/** A content part of an OpenAI Chat Completions message. Unknown part types are accepted and flagged. */
export type ContentPart =
  | { type: "text"; text: string }
  | {
      type: "image_url";
      /** `width`/`height` are tokenledger's optional hints: with them, high-detail images count exactly by OpenAI's tile formula. */
      image_url: { url: string; detail?: "auto" | "low" | "high"; width?: number; height?: number };
    }
  | { type: string; [key: string]: unknown };

export interface ToolCall {
  id?: string;
  type?: "function";
  function: { name: string; arguments: string };
}

/** The OpenAI Chat Completions message shape. */
export interface ChatMessage {
  role: string;
  content: string | ContentPart[] | null;
  name?: string;
  tool_calls?: ToolCall[];
  tool_call_id?: string;
}

/** An entry of the OpenAI `tools` array. */
export interface ToolDefinition {
  type?: "function";
  function: {
    name: string;
    description?: string;
    parameters?: {
      type?: string;
      properties?: Record<string, { type?: string; description?: string; enum?: unknown[]; [key: string]: unknown }>;
      [key: string]: unknown;
    };
  };
}
