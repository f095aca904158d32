/**
 * Rewrites a `tokenizer.json` split pattern (written for the Rust crate's Oniguruma) into a
 * JavaScript regex source with the same meaning, as `@huggingface/tokenizers` does for the
 * constructs these tokenizers use: `\s`/`\S` mean Unicode White_Space (JavaScript's `\s` adds
 * U+FEFF and lacks U+0085), and `(?i:...)` over literal alternatives (Node 20 has no inline
 * flags) spells each letter in both cases.
 */
export function translateRegex(source: string): string {
  let out = "";
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (c === "\\" && i + 1 < source.length) {
      const e = source[i + 1]!;
      out += e === "s" ? "\\p{White_Space}" : e === "S" ? "\\P{White_Space}" : `\\${e}`;
      i++;
    } else if (source.startsWith("(?i:", i)) {
      const end = source.indexOf(")", i);
      const body = source.slice(i + 4, end);
      if (!/^[A-Za-z'|]*$/.test(body)) throw new SyntaxError(`Unsupported case-insensitive group in ${source}`);
      out += `(?:${body.replace(/[A-Za-z]/g, (l) => `[${l.toLowerCase()}${l.toUpperCase()}]`)})`;
      i = end;
    } else {
      out += c;
    }
  }
  return out;
}

/** The escaped regex source of a literal string. */
export const escapeRegex = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
