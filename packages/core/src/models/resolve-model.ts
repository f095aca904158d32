import { type EncodingName, isOpenWeightEncoding } from "../encoder/index.js";
import { longestPrefix, snapshotOf } from "./longest-prefix.js";
import { lookupModel } from "./lookup-model.js";
import { catalogLimits } from "./model-catalog.js";
import { registeredModel, modelRegistry as state } from "./model-registry.js";
import { MODEL_ENCODINGS, MODEL_LIMITS, MODEL_PREFIX_ENCODINGS, MODEL_TABLE_SOURCE, OPEN_WEIGHT_FAMILIES } from "./model-table.js";
import type { ChatFormat, ModelInfo } from "./model-types.js";
import { normalizeModelName } from "./normalize-model-name.js";
import { openWeightWindow } from "./open-weight-windows.js";

const encodingPrefixes = Object.keys(MODEL_PREFIX_ENCODINGS);
interface Limits {
  contextWindow: number;
  maxOutputTokens?: number;
  source: string;
  provider?: string;
}
/** Every model's limits in one table: the generated catalog, then OpenAI's dated table over it. */
let limitTable: Map<string, Limits> | undefined;
/** Lookups already made, by normalised name (cleared when full). */
const limitCache = new Map<string, Limits | null>();

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
  const user = registeredModel(name);
  const base = builtIn(name);
  if (user) {
    const encoding = user.encoding ?? base?.encoding ?? state.fallbackEncoding;
    return withLimits(name, encoding, true, user.chatFormat ?? base?.chatFormat ?? formatFor(name, encoding), {
      contextWindow: user.contextWindow ?? base?.contextWindow,
      maxOutputTokens: user.maxOutputTokens ?? base?.maxOutputTokens,
      source: "registerModel",
    });
  }
  if (base) return base;
  return { model: name, encoding: state.fallbackEncoding, known: false, chatFormat: "plain" };
}

/**
 * `resolveModel` for the counting functions, which only read its answer and never hand it out:
 * the last name's answer is kept, since a program counts for one model call after call, and
 * resolving a name (normalising it, the prefix tables) costs more than counting a short text.
 */
export function resolveModelForCount(model: string): ModelInfo {
  if (typeof model !== "string") return resolveModel(model);
  let last = state.lastResolved;
  if (last?.name !== model) state.lastResolved = last = { name: model, info: resolveModel(model) };
  return last.info;
}

/**
 * OpenAI's and open-weight names by their encoding; other catalog models by the fallback encoding
 * and the plain (approximate) format. A family whose vocabulary is not known for a name
 * (`deepseek-r1:8b`) has no encoding of its own: with no limits either, the name is unknown.
 */
function builtIn(name: string): ModelInfo | undefined {
  const candidate = normalizeModelName(name);
  const tabled = encodingFor(candidate);
  const limits = limitsFor(candidate);
  if (!tabled?.encoding && !limits) return undefined;
  if (!tabled?.encoding) return withLimits(name, state.fallbackEncoding, true, "plain", { ...limits });
  return withLimits(name, tabled.encoding, true, tabled.chatFormat, { ...limits });
}

function encodingFor(name: string): { encoding: EncodingName | null; chatFormat: ChatFormat } | undefined {
  if (Object.hasOwn(MODEL_ENCODINGS, name)) return withFormat(name, MODEL_ENCODINGS[name]!);
  const prefix = longestPrefix(encodingPrefixes, name);
  if (prefix) return withFormat(name, MODEL_PREFIX_ENCODINGS[prefix]!);
  const family = OPEN_WEIGHT_FAMILIES.find(([pattern]) => pattern.test(name));
  return family && { encoding: family[1], chatFormat: family[2] };
}

const withFormat = (name: string, encoding: EncodingName) => ({ encoding, chatFormat: formatFor(name, encoding) });

/**
 * A model's limits: the entry of its own name (a known model id: the catalog, OpenAI's table), else
 * its open-weight family's window for that variant, else the entry of the model it is a dated
 * snapshot or alias of (`snapshotOf`): never a shorter model's (`o1-mini` is not `o1`).
 */
function limitsFor(name: string): Limits | undefined {
  const cached = limitCache.get(name);
  if (cached !== undefined) return cached ?? undefined;
  if (!limitTable) {
    limitTable = new Map();
    const openai = Object.keys(MODEL_LIMITS);
    for (const [model, limits] of Object.entries(catalogLimits())) {
      // A model OpenAI's dated table already names (gpt-4o-mini-2024-07-18) keeps that table's entry.
      if (snapshotOf(openai, model) === undefined) limitTable.set(model, limits);
    }
    for (const [model, limits] of Object.entries(MODEL_LIMITS))
      limitTable.set(model, { ...limits, source: MODEL_TABLE_SOURCE, provider: "openai" });
  }
  const limits = limitTable.get(name) ?? openWeightWindow(name) ?? lookupModel(limitTable, name);
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
  extra: { contextWindow?: number; maxOutputTokens?: number; source?: string; provider?: string },
): ModelInfo {
  const info: ModelInfo = { model, encoding, known, chatFormat };
  if (extra.contextWindow !== undefined) info.contextWindow = extra.contextWindow;
  if (extra.maxOutputTokens !== undefined) info.maxOutputTokens = extra.maxOutputTokens;
  if (extra.source !== undefined && (info.contextWindow !== undefined || info.maxOutputTokens !== undefined)) {
    info.source = extra.source;
    if (extra.provider !== undefined) info.provider = extra.provider;
  }
  return info;
}
