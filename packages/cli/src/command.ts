/** One CLI command: its own options (anything else is an error), its usage line and its action. */
export interface Command {
  name: string;
  usage: string;
  summary: string;
  options: Record<string, { type: "string" | "boolean" }>;
  run(values: Record<string, string | boolean | undefined> & OptionValues, args: string[]): Promise<void> | void;
}

/** The option values every command may read (each command declares those it accepts). */
export interface OptionValues {
  model?: string;
  encoding?: string;
  file?: string;
  port?: string;
  strict?: boolean;
  json?: boolean;
  compare?: boolean;
  "allow-approximate"?: boolean;
}
