// For tests: the renders of the families' chat templates by Python's Jinja2 (as vLLM and
// transformers render), written by `scripts/render-template-fixtures.py` (`pnpm fixtures:templates`).
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { OpenWeightEncodingName } from "../encoder/index.js";
import { openWeightPackage } from "../loader/index.js";
import { createChatRenderer, type TokenizerConfig } from "./chat-template.js";

export interface PythonRender {
  family: OpenWeightEncodingName;
  name: string;
  messages: unknown[];
  tools: unknown[] | null;
  /** What Python's Jinja2 rendered (add_generation_prompt true). */
  rendered: string;
}

export const PYTHON_RENDERS: PythonRender[] = JSON.parse(
  readFileSync(new URL("./fixtures/python-jinja-renders.json", import.meta.url), "utf8"),
).fixtures;

const require = createRequire(import.meta.url);

/** Core's render of a fixture's conversation, from the family's own `tokenizer_config.json`. */
export function renderWithCore(fixture: PythonRender): string {
  const config = require(`${openWeightPackage(fixture.family)}/models/tokenizer_config.json`) as TokenizerConfig;
  const render = createChatRenderer(config)!;
  return render(fixture.messages, { tools: fixture.tools ?? undefined, addGenerationPrompt: true });
}
