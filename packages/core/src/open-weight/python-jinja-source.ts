/**
 * `selectattr(name, "undefined")` / `rejectattr(name, "undefined")` with the attribute's name a
 * string literal. @huggingface/jinja (0.5) never passes a missing attribute to the test, so
 * `selectattr("tool_calls", "undefined")` selects nothing where Python's Jinja selects every
 * message without tool calls (Mistral NeMo's check that roles alternate).
 */
const UNDEFINED_TEST = /\b(select|reject)attr\(\s*("[^"\\]*"|'[^'\\]*')\s*,\s*("undefined"|'undefined')\s*\)/g;

/**
 * A chat template's source rewritten so that @huggingface/jinja runs it as Python's Jinja (what
 * vLLM and TGI render with) does: each `selectattr(x, "undefined")` becomes the equivalent
 * `rejectattr(x, "defined")`, and `rejectattr(x, "undefined")` becomes `selectattr(x, "defined")`.
 * Anything else is left as written.
 *
 * @example
 * ```ts
 * asPythonJinja('m | selectattr("tool_calls", "undefined")'); // 'm | rejectattr("tool_calls", "defined")'
 * ```
 */
export const asPythonJinja = (source: string): string =>
  source.replace(UNDEFINED_TEST, (_, kind: string, name: string) => `${kind === "select" ? "reject" : "select"}attr(${name}, "defined")`);
