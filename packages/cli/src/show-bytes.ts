/**
 * A token's bytes as text, with bytes that are not whole UTF-8 characters shown as `<0xE4 0xBD>`.
 *
 * @example
 * ```ts
 * showBytes(Uint8Array.from([0x20, 0xe8, 0xaa])); // " <0xE8 0xAA>"
 * ```
 */
export function showBytes(bytes: Uint8Array): string {
  const fatal = new TextDecoder("utf-8", { fatal: true });
  let shown = "";
  let invalid: string[] = [];
  const flush = () => {
    if (invalid.length) shown += `<${invalid.join(" ")}>`;
    invalid = [];
  };
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i]!;
    const n = b < 0x80 ? 1 : b >= 0xf0 && b < 0xf8 ? 4 : b >= 0xe0 ? 3 : b >= 0xc2 ? 2 : 0;
    let char: string | undefined;
    if (n > 0 && i + n <= bytes.length) {
      try {
        char = fatal.decode(bytes.subarray(i, i + n));
      } catch {}
    }
    if (char === undefined) {
      invalid.push(`0x${b.toString(16).toUpperCase().padStart(2, "0")}`);
      i++;
    } else {
      flush();
      shown += char;
      i += n;
    }
  }
  flush();
  return shown;
}
