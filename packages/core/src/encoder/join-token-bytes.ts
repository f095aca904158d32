/**
 * The bytes of `ids`, one token after another: what `decode` turns into text, for both the
 * tiktoken-style encoders and the open-weight ones. Throws a RangeError on an id `bytesOf` does
 * not know.
 */
export function joinTokenBytes(ids: ArrayLike<number>, bytesOf: (id: number) => Uint8Array | undefined): Uint8Array {
  const parts = Array.from(ids, (id) => bytesOf(id) ?? throwUnknown(id));
  const out = new Uint8Array(parts.reduce((n, part) => n + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

function throwUnknown(id: number): never {
  throw new RangeError(`Token id ${id} is not in this encoding's vocabulary`);
}
