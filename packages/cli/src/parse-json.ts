import { CliError } from "./cli-error.js";

/**
 * JSON.parse, with the line and column of the first error (Node 20's messages often give
 * neither). A leading byte-order mark is skipped, as editors on Windows write one.
 *
 * @example
 * ```ts
 * parseJson('\uFEFF{"messages": []}', "chat.json"); // { messages: [] }
 * ```
 */
export function parseJson(input: string, source: string): unknown {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  try {
    return JSON.parse(text);
  } catch (error) {
    const at = errorOffset(text);
    const before = text.slice(0, at).split("\n");
    const reason = (error as Error).message.replace(/ in JSON at position \d+.*$/s, "").split("\n")[0];
    throw new CliError(`${source}:${before.length}:${before.at(-1)!.length + 1}: invalid JSON: ${reason}`);
  }
}

/** Where a JSON text first goes wrong: a small scanner run only after JSON.parse has failed. */
function errorOffset(text: string): number {
  let i = 0;
  const fail = (): never => {
    throw i;
  };
  const space = () => {
    while (/\s/.test(text[i] ?? "")) i++;
  };
  const literal = (word: string) => {
    if (!text.startsWith(word, i)) fail();
    i += word.length;
  };
  const string = () => {
    i++;
    while (i < text.length && text[i] !== '"') {
      if (text[i] === "\\") i++;
      else if (text.charCodeAt(i) < 0x20) fail();
      i++;
    }
    if (text[i] !== '"') fail();
    i++;
  };
  const value = (): void => {
    space();
    const c = text[i];
    if (c === "{") container("}", member);
    else if (c === "[") container("]", value);
    else if (c === '"') string();
    else if (c === "t") literal("true");
    else if (c === "f") literal("false");
    else if (c === "n") literal("null");
    else numberAt();
  };
  const member = () => {
    if (text[i] !== '"') fail();
    string();
    space();
    if (text[i] !== ":") fail();
    i++;
    value();
  };
  const numberAt = () => {
    const number = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 64));
    if (!number) fail();
    i += number![0].length;
  };
  const container = (close: string, item: () => void) => {
    i++;
    space();
    if (text[i] === close) {
      i++;
      return;
    }
    for (;;) {
      space();
      item();
      space();
      if (text[i] === close) break;
      if (text[i] !== ",") fail();
      i++;
    }
    i++;
  };
  try {
    value();
    space();
    return Math.min(i, text.length);
  } catch (offset) {
    return typeof offset === "number" ? offset : 0;
  }
}
