import type { EncodingName } from "../encoder/encodings.js";
import { isEncodingName, isOpenWeightEncoding } from "../encoder/encodings.js";
import { longestPrefix } from "./longest-prefix.js";
import { catalogLimits, MODEL_CATALOG_SOURCE } from "./model-catalog.js";
import { MODEL_ENCODINGS, MODEL_LIMITS, MODEL_PREFIX_ENCODINGS, MODEL_TABLE_SOURCE, OPEN_WEIGHT_FAMILIES } from "./model-table.js";
import { normalizeModelName } from "./normalize-model-name.js";

/**
 * How chat messages are framed for the model:
 * - `openai`: 3 tokens per message, +1 per `name`, replies primed with 3 (OpenAI cookbook).
 * - `openai-0301`: gpt-3.5-turbo-0301's 4 per message and -1 per `name`.
 * - `harmony`: gpt-oss; counted by the `openai` rule and flagged approximate.
 * - `template`: open-weight models (Llama 3, Qwen, DeepSeek, Gemma): the model's own chat template, rendered.
 * - `plain`: models outside OpenAI's formats; message contents joined with a newline, flagged approximate.
 */
export type ChatFormat = "openai" | "openai-0301" | "harmony" | "template" | "plain";

export interface ModelInfo {
  /** The name as given (trimmed). */
  model: string;
  encoding: EncodingName;
  /** false when the name matched nothing and the fallback encoding was used. */
  known: boolean;
  chatFormat: ChatFormat;
  /** Undefined when unknown: never a guess. */
  contextWindow?: number;
  maxOutputTokens?: number;
  /** Where the limits came from: the dated OpenAI table, the generated catalog (`MODEL_CATALOG_SOURCE`), or `registerModel`. */
  source?: string;
}

export interface ModelSpec {
  /** A name prefix, or a RegExp tested against the whole name. */
  match: string | RegExp;
  encoding?: EncodingName;
  contextWindow?: number;
  maxOutputTokens?: number;
  chatFormat?: ChatFormat;
}

const registered: ModelSpec[] = [];
let fallbackEncoding: EncodingName = "o200k_base";
const encodingPrefixes = Object.keys(MODEL_PREFIX_ENCODINGS);
interface Limits {
  contextWindow: number;
  maxOutputTokens?: number;
  source: string;
}
/** Every model's limits in one table, for one longest-prefix lookup: the generated catalog, then OpenAI's dated table over it. */
let limitTable: Map<string, Limits> | undefined;
/** Lookups already made, by normalised name (cleared when full). */
const limitCache = new Map<string, Limits | null>();
/** The last name `resolveModelForCount` resolved, and its answer; forgotten whenever the registry changes. */
let lastResolved: { name: string; info: ModelInfo } | undefined;

/**
 * Adds or overrides a model: its encoding, limits and chat format. Later registrations
 * win over earlier ones and over the built-in table. Throws a TypeError for a missing
 * `match` or an unknown encoding, and a RangeError for a `contextWindow` or
 * `maxOutputTokens` that is not a whole number >= 0.
 *
 * @example
 * ```ts
 * registerModel({ match: "my-finetune", encoding: "o200k_base", contextWindow: 32_000 });
 * registerModel({ match: /^llama-3/, encoding: "cl100k_base", chatFormat: "plain", contextWindow: 8_192 });
 * ```
 */
export function registerModel(spec: ModelSpec): void {
  if (!spec || (typeof spec.match !== "string" && !(spec.match instanceof RegExp))) {
    throw new TypeError("registerModel needs `match`: a name prefix or a RegExp");
  }
  if (spec.encoding !== undefined && !isEncodingName(spec.encoding)) {
    throw new TypeError(`registerModel: unknown encoding "${String(spec.encoding)}"`);
  }
  for (const limit of ["contextWindow", "maxOutputTokens"] as const) {
    const value = spec[limit];
    if (value !== undefined && !(Number.isSafeInteger(value) && value >= 0)) {
      throw new RangeError(`registerModel: ${limit} must be a whole number of tokens >= 0, got ${String(value)}`);
    }
  }
  registered.unshift({ ...spec });
  lastResolved = undefined;
}

/**
 * Sets the encoding used for model names nobody knows (default `o200k_base`).
 *
 * @example
 * ```ts
 * setFallbackEncoding("cl100k_base");
 * resolveModel("some-new-model").encoding; // "cl100k_base"
 * ```
 */
export function setFallbackEncoding(encoding: EncodingName): void {
  if (!isEncodingName(encoding)) throw new TypeError(`Unknown encoding "${String(encoding)}"`);
  fallbackEncoding = encoding;
  lastResolved = undefined;
}

/** The encoding unknown model names get (see `setFallbackEncoding`). */
export function fallbackEncodingName(): EncodingName {
  return fallbackEncoding;
}

/** Removes every `registerModel` entry and restores the default fallback (for tests). */
export function resetModelRegistry(): void {
  registered.length = 0;
  fallbackEncoding = "o200k_base";
  lastResolved = undefined;
}

/**
 * Resolves a model name to its encoding, chat format and limits: user registrations
 * first, then exact names, then prefixes (OpenAI's tiktoken table), then fine-tune
 * names (`ft:gpt-4o-mini:org::id`) by their base. Never throws, never uses the network:
 * an unknown name gets the fallback encoding and `known: false`.
 *
 * @example
 * ```ts
 * resolveModel("gpt-4o-2024-08-06"); // { encoding: "o200k_base", known: true, contextWindow: 128000, ... }
 * resolveModel("my-llama").known;    // false
 * ```
 */
export function resolveModel(model: string): ModelInfo {
  const name = typeof model === "string" ? model.trim() : "";
  const normalised = normalizeModelName(name);
  const user = registered.find((spec) => matches(spec.match, name) || matches(spec.match, normalised));
  const base = builtIn(name);
  if (user) {
    const encoding = user.encoding ?? base?.encoding ?? fallbackEncoding;
    return withLimits(name, encoding, true, user.chatFormat ?? base?.chatFormat ?? formatFor(name, encoding), {
      contextWindow: user.contextWindow ?? base?.contextWindow,
      maxOutputTokens: user.maxOutputTokens ?? base?.maxOutputTokens,
      source: "registerModel",
    });
  }
  if (base) return base;
  return { model: name, encoding: fallbackEncoding, known: false, chatFormat: "plain" };
}

/**
 * `resolveModel` for the counting functions, which only read its answer and never hand it out:
 * the last name's answer is kept, since a program counts for one model call after call, and
 * resolving a name (normalising it, the prefix tables) costs more than counting a short text.
 */
export function resolveModelForCount(model: string): ModelInfo {
  if (typeof model !== "string") return resolveModel(model);
  if (lastResolved?.name !== model) lastResolved = { name: model, info: resolveModel(model) };
  return lastResolved.info;
}

/** OpenAI's and open-weight names by their encoding; other catalog models by the fallback encoding and the plain (approximate) format. */
function builtIn(name: string): ModelInfo | undefined {
  const candidate = normalizeModelName(name);
  const tabled = encodingFor(candidate);
  const limits = limitsFor(candidate);
  if (!tabled && !limits) return undefined;
  const encoding = tabled ?? fallbackEncoding;
  return withLimits(name, encoding, true, tabled ? formatFor(candidate, tabled) : "plain", { ...limits });
}

function encodingFor(name: string): EncodingName | undefined {
  if (Object.hasOwn(MODEL_ENCODINGS, name)) return MODEL_ENCODINGS[name];
  const prefix = longestPrefix(encodingPrefixes, name);
  if (prefix) return MODEL_PREFIX_ENCODINGS[prefix];
  return OPEN_WEIGHT_FAMILIES.find(([pattern]) => pattern.test(name))?.[1];
}

function limitsFor(name: string): Limits | undefined {
  const cached = limitCache.get(name);
  if (cached !== undefined) return cached ?? undefined;
  if (!limitTable) {
    limitTable = new Map();
    const openai = Object.keys(MODEL_LIMITS);
    for (const [model, limits] of Object.entries(catalogLimits())) {
      // A model OpenAI's dated table already names (gpt-4o-mini-2024-07-18) keeps that table's entry.
      if (longestPrefix(openai, model) === undefined) limitTable.set(model, { ...limits, source: MODEL_CATALOG_SOURCE });
    }
    for (const [model, limits] of Object.entries(MODEL_LIMITS)) limitTable.set(model, { ...limits, source: MODEL_TABLE_SOURCE });
  }
  const key = longestPrefix(limitTable.keys(), name);
  const limits = key === undefined ? undefined : limitTable.get(key);
  if (limitCache.size >= 1000) limitCache.clear();
  limitCache.set(name, limits ?? null);
  return limits;
}

function formatFor(name: string, encoding: EncodingName): ChatFormat {
  if (name === "gpt-3.5-turbo-0301") return "openai-0301";
  if (encoding === "o200k_harmony") return "harmony";
  if (isOpenWeightEncoding(encoding)) return "template";
  if (encoding === "o200k_base" || encoding === "cl100k_base") return "openai";
  return "plain";
}

function withLimits(
  model: string,
  encoding: EncodingName,
  known: boolean,
  chatFormat: ChatFormat,
  extra: { contextWindow?: number; maxOutputTokens?: number; source?: string },
): ModelInfo {
  const info: ModelInfo = { model, encoding, known, chatFormat };
  if (extra.contextWindow !== undefined) info.contextWindow = extra.contextWindow;
  if (extra.maxOutputTokens !== undefined) info.maxOutputTokens = extra.maxOutputTokens;
  if (extra.source !== undefined && (info.contextWindow !== undefined || info.maxOutputTokens !== undefined)) {
    info.source = extra.source;
  }
  return info;
}

function matches(match: string | RegExp, name: string): boolean {
  if (typeof match === "string") return name.startsWith(match);
  match.lastIndex = 0;
  return match.test(name);
}
