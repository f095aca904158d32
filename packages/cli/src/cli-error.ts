import { escapeControls } from "./escape-controls.js";

/**
 * An error the user caused: printed as one line on stderr, no stack trace; exit 1, or 2 for usage errors.
 *
 * @example
 * ```ts
 * throw new CliError('unknown encoding "x"', 2);
 * ```
 */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/** A read that failed, as one line: `cannot read PATH: ENOENT` (the path's control characters escaped). */
export function cannotRead(path: string, error: unknown): CliError {
  if (error instanceof CliError) return error;
  return new CliError(
    `cannot read ${escapeControls(path)}: ${(error as NodeJS.ErrnoException)?.code ?? (error as Error)?.message ?? error}`,
  );
}
