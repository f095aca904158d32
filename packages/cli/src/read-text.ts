import { readFileSync } from "node:fs";
import { cannotRead } from "./cli-error.js";

/** The whole text of a file, or of stdin for `-`, as UTF-8; a failed read is one-line CliError. */
export function readText(path: string): string {
  try {
    return readFileSync(path === "-" ? 0 : path, "utf8");
  } catch (error) {
    throw cannotRead(path === "-" ? "stdin" : path, error);
  }
}
