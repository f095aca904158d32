/** Stops the walk once the text is long enough (or enough was visited). */
const FULL = Symbol("full");

/**
 * `JSON.stringify(value)` cut at `limit` characters, with bounded work: the walk stops as soon as
 * the text passes `limit` or it has visited `4 * limit` values, so a huge or deep object costs no
 * more than a small one. Cycles become `"[Circular]"`; `toJSON` is honoured as `JSON.stringify`
 * does; values JSON leaves out (functions, symbols, undefined) are left out. Returns `undefined`
 * for a value with no JSON text. May throw when a getter or `toJSON` throws.
 *
 * @example
 * ```ts
 * boundedJson({ a: [1, "x"] }, 256); // '{"a":[1,"x"]}'
 * boundedJson({ big: "y".repeat(1e6) }, 10); // '{"big":"yy' (10 characters)
 * ```
 */
export function boundedJson(value: unknown, limit: number): string | undefined {
  const parts: string[] = [];
  let length = 0;
  let visits = 0;
  const seen = new Set<object>();
  const push = (text: string) => {
    parts.push(text);
    length += text.length;
    if (length > limit) throw FULL;
  };
  const write = (input: unknown, key: string): boolean => {
    if (++visits > 4 * limit) throw FULL;
    let node = input;
    if (node !== null && typeof node === "object" && typeof (node as { toJSON?: unknown }).toJSON === "function") {
      node = (node as { toJSON: (key: string) => unknown }).toJSON(key);
    }
    if (node === null) {
      push("null");
      return true;
    }
    switch (typeof node) {
      case "string":
        push(JSON.stringify(node.length > limit ? node.slice(0, limit + 1) : node));
        return true;
      case "number":
        push(Number.isFinite(node) ? String(node) : "null");
        return true;
      case "boolean":
        push(String(node));
        return true;
      case "bigint":
        throw new TypeError("a BigInt has no JSON");
      case "object":
        break;
      default:
        return false;
    }
    const object = node as object;
    if (seen.has(object)) {
      push('"[Circular]"');
      return true;
    }
    seen.add(object);
    if (Array.isArray(object)) {
      push("[");
      for (let i = 0; i < object.length; i++) {
        if (i > 0) push(",");
        if (!write(object[i], String(i))) push("null");
      }
      push("]");
    } else {
      push("{");
      let first = true;
      for (const name in object) {
        if (++visits > 4 * limit) throw FULL;
        if (!Object.hasOwn(object, name)) continue;
        const mark = parts.length;
        const markLength = length;
        push(`${first ? "" : ","}${JSON.stringify(name)}:`);
        if (write((object as Record<string, unknown>)[name], name)) first = false;
        else {
          parts.length = mark;
          length = markLength;
        }
      }
      push("}");
    }
    seen.delete(object);
    return true;
  };
  try {
    if (!write(value, "")) return undefined;
  } catch (error) {
    if (error !== FULL) throw error;
  }
  const text = parts.join("");
  return text.length > limit ? text.slice(0, limit) : text;
}
