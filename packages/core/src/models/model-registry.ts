import { type EncodingName, isEncodingName } from "../encoder/index.js";
import { checkPricing, type PicoPrice, toPicoPrice } from "./compile-pricing.js";
import type { ChatFormat, ModelInfo, ModelSpec } from "./model-types.js";

/** Every `ChatFormat` counting knows. */
const CHAT_FORMATS: readonly ChatFormat[] = ["openai", "openai-0301", "harmony", "template", "plain"];

import { normalizeModelName } from "./normalize-model-name.js";

/** A `registerModel` entry: the spec as given, with its price compiled. */
export interface RegisteredModel extends ModelSpec {
  picoPrice?: PicoPrice;
}

/**
 * What `registerModel` and `setFallbackEncoding` changed, one per JavaScript realm on `globalThis`
 * (as the encoding registry is): the main entry, `@tokenledger/core/internal` and `lite` are
 * bundled apart and an app may load both the ESM and the CJS build, yet all must see one registry.
 */
interface ModelRegistry {
  registered: RegisteredModel[];
  fallbackEncoding: EncodingName;
  /** The last name `resolveModelForCount` resolved, and its answer; forgotten whenever the registry changes. */
  lastResolved: { name: string; info: ModelInfo } | undefined;
}

const KEY = Symbol.for("@tokenledger/core/models");
/** The registry; read it, and change it only through the functions below. */
export const modelRegistry: ModelRegistry = ((globalThis as Record<symbol, unknown>)[KEY] as ModelRegistry | undefined) ?? {
  registered: [],
  fallbackEncoding: "o200k_base",
  lastResolved: undefined,
};
(globalThis as Record<symbol, unknown>)[KEY] = modelRegistry;

/**
 * Adds or overrides a model: its encoding, limits, chat format and price. Later registrations
 * win over earlier ones and over the built-in tables. Throws a TypeError for a missing
 * `match`, an unknown encoding or an unknown `chatFormat` (naming the valid ones), a RangeError for a `contextWindow` or `maxOutputTokens`
 * that is not a whole number >= 0, and `compilePricing`'s errors for a bad `price`.
 *
 * @example
 * ```ts
 * registerModel({ match: "my-finetune", encoding: "o200k_base", contextWindow: 32_000 });
 * registerModel({ match: /^llama-3/, encoding: "cl100k_base", chatFormat: "plain", contextWindow: 8_192 });
 * registerModel({ match: "my-model", price: { input_cost_per_token: 1e-6, output_cost_per_token: 2e-6 } });
 * ```
 */
export function registerModel(spec: ModelSpec): void {
  if (!spec || (typeof spec.match !== "string" && !(spec.match instanceof RegExp))) {
    throw new TypeError("registerModel needs `match`: a name prefix or a RegExp");
  }
  if (spec.encoding !== undefined && !isEncodingName(spec.encoding)) {
    throw new TypeError(`registerModel: unknown encoding "${String(spec.encoding)}"`);
  }
  if (spec.chatFormat !== undefined && !CHAT_FORMATS.includes(spec.chatFormat)) {
    throw new TypeError(`registerModel: unknown chatFormat "${String(spec.chatFormat)}"; one of ${CHAT_FORMATS.join(", ")}`);
  }
  for (const limit of ["contextWindow", "maxOutputTokens"] as const) {
    const value = spec[limit];
    if (value !== undefined && !(Number.isSafeInteger(value) && value >= 0)) {
      throw new RangeError(`registerModel: ${limit} must be a whole number of tokens >= 0, got ${String(value)}`);
    }
  }
  const entry: RegisteredModel = { ...spec };
  if (spec.price !== undefined) {
    checkPricing({ [String(spec.match)]: spec.price }, "registerModel");
    entry.picoPrice = toPicoPrice(spec.price);
  }
  modelRegistry.registered.unshift(entry);
  modelRegistry.lastResolved = undefined;
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
  modelRegistry.fallbackEncoding = encoding;
  modelRegistry.lastResolved = undefined;
}

/** The encoding unknown model names get (see `setFallbackEncoding`). */
export function fallbackEncodingName(): EncodingName {
  return modelRegistry.fallbackEncoding;
}

/**
 * Removes every `registerModel` entry and restores the default fallback encoding (for tests).
 *
 * @example
 * ```ts
 * afterEach(() => resetModelRegistry());
 * ```
 */
export function resetModelRegistry(): void {
  modelRegistry.registered.length = 0;
  modelRegistry.fallbackEncoding = "o200k_base";
  modelRegistry.lastResolved = undefined;
}

/** The latest registration that matches the name as given or its normalised name, if any. */
export function registeredModel(name: string): RegisteredModel | undefined {
  const { registered } = modelRegistry;
  if (registered.length === 0) return undefined;
  const normalised = normalizeModelName(name);
  return registered.find((spec) => matches(spec.match, name) || matches(spec.match, normalised));
}

function matches(match: string | RegExp, name: string): boolean {
  if (typeof match === "string") return name.startsWith(match);
  match.lastIndex = 0;
  return match.test(name);
}
