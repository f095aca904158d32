import type { Encoder } from "../encoder/index.js";
import { getEncoder } from "../loader/index.js";
import { resolveModelForCount } from "../models/index.js";

/**
 * The encoder for a model name: a small convenience for tokenledger's packages that count many
 * texts for one model (exported from `@tokenledger/core/internal`).
 *
 * @example
 * ```ts
 * encoderForModel("gpt-4").count("hello"); // 1
 * ```
 */
export function encoderForModel(model: string): Encoder {
  return getEncoder(resolveModelForCount(model).encoding);
}
