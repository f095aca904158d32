const NAMED: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };

/**
 * Control characters (C0, DEL, C1), line and paragraph separators and bidirectional overrides:
 * anything that moves the cursor, starts a terminal escape sequence or reorders what follows.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters it finds.
const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * Text as it may reach a terminal: control characters shown as `\n`, `\r`, `\t`, `\x1b`,
 * `\u202e`, so a file name or inspected text cannot move the cursor, recolour the terminal or
 * hide what follows. Everything else is unchanged (`--json` output carries the exact text).
 *
 * @example
 * ```ts
 * escapeControls("a\nb\u001b[31m.txt"); // "a\\nb\\x1b[31m.txt"
 * ```
 */
export function escapeControls(text: string): string {
  return text.replace(CONTROLS, (c) => {
    const code = c.charCodeAt(0);
    return NAMED[c] ?? (code < 0x100 ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`);
  });
}
