/** Usage numbers as a provider (or a proxy) sent them: anything at all. */
export interface RawUsage {
  input?: unknown;
  output?: unknown;
  total?: unknown;
  cacheRead?: unknown;
  cacheCreation?: unknown;
  reasoning?: unknown;
}

/** The usage numbers that passed validation: each a non-negative integer, cached <= input. */
export interface ValidUsage {
  inputTokens?: number;
  outputTokens?: number;
  totalTokens?: number;
  cacheReadTokens?: number;
  cacheCreationTokens?: number;
  reasoningTokens?: number;
}

export interface UsageValidation {
  usage: ValidUsage;
  /** What was wrong, one short phrase each (`input: -3`); empty when every number present was valid. */
  problems: string[];
  /** The total is below input plus output: the numbers are used (the record's total is their sum), flagged `inconsistent-total`. */
  inconsistentTotal?: boolean;
}

/** More tokens than any model takes or gives in one call; a larger number is a bug upstream, not usage. */
export const MAX_REPORTED_TOKENS = 1_000_000_000;

/**
 * The one place reported usage is validated. Every number present must be an integer in
 * `[0, MAX_REPORTED_TOKENS]` (a string, a fraction, a negative, NaN or a huge number is a
 * problem); cached input may not exceed input; a missing input or output is taken from the
 * total only when the total is at least the other number. Absent numbers (`undefined`, `null`)
 * are not problems. A total below input or output alone is a problem; one below their sum only is
 * kept apart (`inconsistentTotal`: the numbers are used). Never throws, whatever the values or their getters do.
 *
 * @example
 * ```ts
 * validateReportedUsage({ input: 50, total: 60 });    // { usage: { inputTokens: 50, outputTokens: 10, totalTokens: 60 }, problems: [] }
 * validateReportedUsage({ input: 50, total: 10 }).problems; // ["total: 10 is less than input 50"]
 * validateReportedUsage({ input: "10" }).problems;     // ['input: "10"']
 * ```
 */
export function validateReportedUsage(raw: RawUsage | undefined): UsageValidation {
  const problems: string[] = [];
  const read = (name: keyof RawUsage): number | undefined => {
    let value: unknown;
    try {
      value = raw?.[name];
    } catch {
      problems.push(`${name}: unreadable`);
      return undefined;
    }
    if (value === undefined || value === null) return undefined;
    if (typeof value === "number" && Number.isInteger(value) && value >= 0 && value <= MAX_REPORTED_TOKENS) return value;
    problems.push(`${name}: ${describe(value)}`);
    return undefined;
  };
  let inputTokens = read("input");
  let outputTokens = read("output");
  let totalTokens = read("total");
  let cacheReadTokens = read("cacheRead");
  const cacheCreationTokens = read("cacheCreation");
  const reasoningTokens = read("reasoning");
  // LangChain turns a missing completion count into 0 (a stream's usage_metadata): with a total
  // above the input, a 0 output is the missing number, taken from the total as below.
  if (totalTokens !== undefined && inputTokens !== undefined && outputTokens === 0 && totalTokens > inputTokens) outputTokens = undefined;
  if (totalTokens !== undefined && (inputTokens === undefined) !== (outputTokens === undefined)) {
    const [known, name] = inputTokens !== undefined ? [inputTokens, "input"] : [outputTokens!, "output"];
    if (totalTokens < known) {
      problems.push(`total: ${totalTokens} is less than ${name} ${known}`);
      totalTokens = undefined;
    } else if (inputTokens === undefined) inputTokens = totalTokens - known;
    else outputTokens = totalTokens - known;
  }
  if (cacheReadTokens !== undefined && inputTokens !== undefined && cacheReadTokens > inputTokens) {
    problems.push(`cacheRead: ${cacheReadTokens} is more than input ${inputTokens}`);
    cacheReadTokens = undefined;
  }
  // A total below input or output alone is no usage at all (LangChain fills a missing output with 0,
  // which hides the missing number); between the larger of them and their sum, it is inconsistent.
  const both = totalTokens !== undefined && inputTokens !== undefined && outputTokens !== undefined;
  if (both && totalTokens! < Math.max(inputTokens!, outputTokens!)) {
    problems.push(
      `total: ${totalTokens} is less than ${inputTokens! >= outputTokens! ? `input ${inputTokens}` : `output ${outputTokens}`}`,
    );
  }
  const inconsistentTotal = both && totalTokens! < inputTokens! + outputTokens!;
  const usage: ValidUsage = {};
  if (inputTokens !== undefined) usage.inputTokens = inputTokens;
  if (outputTokens !== undefined) usage.outputTokens = outputTokens;
  if (totalTokens !== undefined) usage.totalTokens = totalTokens;
  if (cacheReadTokens !== undefined) usage.cacheReadTokens = cacheReadTokens;
  if (cacheCreationTokens !== undefined) usage.cacheCreationTokens = cacheCreationTokens;
  if (reasoningTokens !== undefined) usage.reasoningTokens = reasoningTokens;
  return inconsistentTotal ? { usage, problems, inconsistentTotal } : { usage, problems };
}

function describe(value: unknown): string {
  try {
    if (typeof value === "string") return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
    if (typeof value === "number" || typeof value === "bigint" || typeof value === "boolean") return String(value);
    return typeof value;
  } catch {
    return typeof value;
  }
}
