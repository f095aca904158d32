import { closeSync, openSync, readSync } from "node:fs";

/** How much of an input is read to decide whether it is binary. */
export const HEAD_BYTES = 8192;

/**
 * True when the first 8 KB of `head` hold a NUL byte, as git decides a file is binary.
 *
 * @example
 * ```ts
 * looksBinary(Buffer.from("text\0more")); // true
 * ```
 */
export const looksBinary = (head: Buffer): boolean => head.subarray(0, HEAD_BYTES).includes(0);

/**
 * `looksBinary` of a file's first 8 KB.
 *
 * @example
 * ```ts
 * isBinaryFile("logo.png"); // true
 * ```
 */
export function isBinaryFile(path: string): boolean {
  const fd = openSync(path, "r");
  try {
    const head = Buffer.alloc(HEAD_BYTES);
    const n = readSync(fd, head, 0, head.length, 0);
    return looksBinary(head.subarray(0, n));
  } finally {
    closeSync(fd);
  }
}
