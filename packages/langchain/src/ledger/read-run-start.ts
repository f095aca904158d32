import type { Serialized } from "@langchain/core/load/serializable";

/** The sampling parameters that shaped a call, read from the model's invocation params. */
export interface CallParams {
  maxTokens?: number;
  temperature?: number;
  topP?: number;
  topK?: number;
  stop?: string[];
  toolsCount: number;
}

/** What a model run's start event says about the call. */
export interface RunStart {
  model: string;
  provider?: string;
  runName: string;
  invocationParams: CallParams;
  /** The tool definitions sent, as given (counted later). */
  tools?: unknown;
  signal?: AbortSignal;
  /** Parts of the event that could not be read (a throwing getter); empty when all was read. */
  problems: string[];
}

type Bag = Record<string, unknown>;

/**
 * Reads a model run's start event as `CallbackManager` passes it: the serialized model, the
 * `extraParams` (`invocation_params`, `options.signal`), `metadata` (`ls_model_name`,
 * `ls_provider`...) and the run name. Never throws: whatever cannot be read (a throwing
 * getter, an object where a string belongs) is left out and named in `problems`.
 *
 * @example
 * ```ts
 * readRunStart({ lc: 1, type: "constructor", id: ["ChatOpenAI"], kwargs: {} }, { invocation_params: { model: "gpt-4o", temperature: 0 } }, {});
 * // { model: "gpt-4o", runName: "ChatOpenAI", invocationParams: { temperature: 0, toolsCount: 0 }, problems: [] }
 * ```
 */
export function readRunStart(llm: Serialized | undefined, extra: unknown, metadata: unknown, runName: unknown): RunStart {
  const problems: string[] = [];
  const read = <T>(what: string, get: () => T): T | undefined => {
    try {
      return get();
    } catch {
      problems.push(what);
      return undefined;
    }
  };
  const meta = read("metadata", () => bag(metadata)) ?? {};
  const params = read("invocation_params", () => bag(bag(extra).invocation_params)) ?? {};
  const field = (source: Bag, key: string, what: string) => read(`${what}.${key}`, () => source[key]);
  const model =
    name(field(meta, "ls_model_name", "metadata")) ??
    name(field(params, "model", "invocation_params")) ??
    name(field(params, "model_name", "invocation_params")) ??
    name(field(params, "modelName", "invocation_params")) ??
    name(read("llm.kwargs.model", () => bag(bag(llm).kwargs).model)) ??
    "unknown";
  const provider = name(field(meta, "ls_provider", "metadata"));
  const run = name(runName) ?? name(read("llm.id", () => (Array.isArray(llm?.id) ? llm.id.at(-1) : undefined))) ?? "llm";
  const invocationParams = read("invocation_params", () => callParams(params, meta)) ?? { toolsCount: 0 };
  const tools = field(params, "tools", "invocation_params");
  const signal = read("options.signal", () => {
    const s = bag(bag(extra).options).signal as AbortSignal | undefined;
    return s && typeof s.addEventListener === "function" ? s : undefined;
  });
  return {
    model,
    ...(provider === undefined ? {} : { provider }),
    runName: run,
    invocationParams,
    ...(tools === undefined ? {} : { tools }),
    ...(signal === undefined ? {} : { signal }),
    problems,
  };
}

function bag(value: unknown): Bag {
  return value !== null && typeof value === "object" ? (value as Bag) : {};
}

/** A usable name: a non-empty string (or a number); never an object, whose `String()` may throw. */
function name(value: unknown): string | undefined {
  if (typeof value === "string") return value === "" ? undefined : value;
  return typeof value === "number" && Number.isFinite(value) ? String(value) : undefined;
}

function callParams(params: Bag, metadata: Bag): CallParams {
  const number = (...values: unknown[]) => values.find((v): v is number => typeof v === "number" && Number.isFinite(v));
  const stop = params.stop ?? metadata.ls_stop;
  const stops = Array.isArray(stop)
    ? stop.filter((s): s is string => typeof s === "string")
    : typeof stop === "string"
      ? [stop]
      : undefined;
  const result: Omit<CallParams, "toolsCount"> = {};
  const maxTokens = number(
    params.max_tokens,
    params.max_completion_tokens,
    params.maxTokens,
    params.max_output_tokens,
    metadata.ls_max_tokens,
  );
  const temperature = number(params.temperature, metadata.ls_temperature);
  const topP = number(params.top_p, params.topP);
  const topK = number(params.top_k, params.topK);
  if (maxTokens !== undefined) result.maxTokens = maxTokens;
  if (temperature !== undefined) result.temperature = temperature;
  if (topP !== undefined) result.topP = topP;
  if (topK !== undefined) result.topK = topK;
  if (stops !== undefined) result.stop = stops;
  return { ...result, toolsCount: Array.isArray(params.tools) ? params.tools.length : 0 };
}
