import type { Encoder, EncodingName } from "../encoder/index.js";

interface Registry {
  builders: Map<string, () => Encoder>;
  encoders: Map<string, Encoder>;
}

/**
 * One registry per JavaScript realm, kept on `globalThis`: an app that loads core's ESM and CJS
 * builds, or an encoding entry bundled apart from the main entry, still sees one set of
 * encodings (and builds each at most once).
 */
const KEY = Symbol.for("@tokenledger/core/encodings");
const registry: Registry = ((globalThis as Record<symbol, unknown>)[KEY] as Registry | undefined) ?? {
  builders: new Map(),
  encoders: new Map(),
};
(globalThis as Record<symbol, unknown>)[KEY] = registry;

/** Makes an encoding available to `getEncoder`; `build` runs on first use. The entry modules under `encodings/` call it. */
export function registerEncoding(name: EncodingName, build: () => Encoder): void {
  if (!registry.builders.has(name)) registry.builders.set(name, build);
}

export function isEncodingLoaded(name: EncodingName): boolean {
  return registry.builders.has(name);
}

/** The encoder of a registered encoding (built on first use), or `undefined` when its data was never loaded. */
export function registeredEncoder(name: EncodingName): Encoder | undefined {
  let encoder = registry.encoders.get(name);
  if (encoder === undefined) {
    const build = registry.builders.get(name);
    if (build === undefined) return undefined;
    encoder = build();
    registry.encoders.set(name, encoder);
  }
  return encoder;
}
