import { escapeControls } from "./escape-controls.js";

/** Human and JSON output on stdout; warnings, notes and progress on stderr. */
export const out = (line = ""): void => {
  process.stdout.write(`${line}\n`);
};

/** A warning or note on stderr, its control characters escaped (it may quote a file or model name). */
export const warn = (line: string): void => {
  process.stderr.write(`tokenledger: ${escapeControls(line)}\n`);
};

export const json = (value: unknown): void => out(JSON.stringify(value, null, 2));

/** True when stdout is a terminal that takes colour (never with NO_COLOR). */
export const colour = (): boolean => Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;

/** `1 token`, `2 tokens`, `1,234 tokens`. */
export const plural = (n: number, word: string): string => `${n.toLocaleString("en")} ${word}${n === 1 ? "" : "s"}`;
