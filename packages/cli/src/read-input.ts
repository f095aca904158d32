import { createReadStream, statSync } from "node:fs";
import { CliError, cannotRead } from "./cli-error.js";
import { escapeControls } from "./escape-controls.js";

/** 64 MiB: the largest chat request `chat` reads (the API itself takes far less). */
export const CHAT_MAX_BYTES = 64 * 2 ** 20;
/** 1 MiB: the most text `inspect` shows token by token (`count` streams any size). */
export const INSPECT_MAX_BYTES = 2 ** 20;

/** `64 MiB`, `1 MiB`. */
export const mebibytes = (bytes: number): string => `${bytes / 2 ** 20} MiB`;

/** The one-line, exit-2 refusal of an input over a command's limit. */
export const tooLarge = (name: string, command: string, limit: number): CliError =>
  new CliError(`${escapeControls(name)}: larger than ${mebibytes(limit)}, the most ${command} reads (count streams any size)`, 2);

/**
 * The text of a file, or of stdin for `-`, as UTF-8, read as a stream (a slow or non-blocking
 * stdin is waited for, never EAGAIN) and never more than `limit` bytes: a regular file larger
 * than that is refused before reading, any other input once it passes the limit (`/dev/zero`
 * stops there). A failed read is a one-line CliError.
 *
 * @example
 * ```ts
 * const body = await readInput("request.json", { limit: CHAT_MAX_BYTES, command: "chat" });
 * ```
 */
export async function readInput(path: string, opts: { limit: number; command: string }): Promise<string> {
  const name = path === "-" ? "stdin" : path;
  try {
    if (path !== "-" && statSync(path).size > opts.limit) throw tooLarge(name, opts.command, opts.limit);
    const stream = path === "-" ? process.stdin : createReadStream(path, { highWaterMark: 1 << 20 });
    const chunks: Buffer[] = [];
    let bytes = 0;
    try {
      for await (const chunk of stream as AsyncIterable<Buffer | string>) {
        const data = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
        bytes += data.length;
        if (bytes > opts.limit) throw tooLarge(name, opts.command, opts.limit);
        chunks.push(data);
      }
    } finally {
      // Stop reading what was refused; stdin too, so the process can exit.
      stream.destroy();
    }
    return Buffer.concat(chunks, bytes).toString("utf8");
  } catch (error) {
    throw cannotRead(name, error);
  }
}
