import type { EncodingName } from "../encoder/index.js";

/** Renders a conversation as the model's own chat template does; throws where the template raises. */
export type RenderChat = (messages: readonly unknown[], options: { tools?: readonly unknown[]; addGenerationPrompt: boolean }) => string;

const KEY = Symbol.for("@tokenledger/core/chat-templates");
const templates: Map<string, RenderChat> =
  ((globalThis as Record<symbol, unknown>)[KEY] as Map<string, RenderChat> | undefined) ?? new Map();
(globalThis as Record<symbol, unknown>)[KEY] = templates;

/** Registered by an open-weight encoding's entry, next to its encoder. */
export function registerChatTemplate(encoding: EncodingName, render: RenderChat): void {
  if (!templates.has(encoding)) templates.set(encoding, render);
}

export function chatTemplateFor(encoding: EncodingName): RenderChat | undefined {
  return templates.get(encoding);
}
