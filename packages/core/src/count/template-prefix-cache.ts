// Speed machinery of templated counting: the token counts of rendered conversation prefixes,
// remembered by content, so that counting a history that grows (an agent's turn after turn, a
// LangChain counter that converts the messages anew each time) renders only its new messages.
// Nothing here changes a count: a prefix is found again only when every message in it, the
// template and the encoder are the same.

/** How many prefix counts are kept, all templates together; the oldest go first. */
const MAX_ENTRIES = 20_000;
const counts = new Map<string, number>();
/** A number for each template renderer and encoder seen, so that a key names them. */
const ids = new WeakMap<object, number>();
let nextId = 0;

function idOf(value: object): number {
  let id = ids.get(value);
  if (id === undefined) ids.set(value, (id = nextId++));
  return id;
}

/**
 * One key per prefix of `messages` (`keys[k]` for the first `k + 1`): a 106-bit hash chained over
 * each message's JSON, with the renderer and encoder. From the first message that cannot be
 * written as JSON (a BigInt, a cycle), `undefined`: those prefixes are not cached.
 */
export function prefixKeys(messages: readonly unknown[], render: object, encoder: object): Array<string | undefined> {
  const keys = new Array<string | undefined>(messages.length).fill(undefined);
  let chain = `${idOf(render)}:${idOf(encoder)}`;
  for (let i = 0; i < messages.length; i++) {
    let json: string | undefined;
    try {
      json = JSON.stringify(messages[i], exactly);
    } catch {
      json = undefined;
    }
    if (json === undefined) break;
    chain = `${hash(`${chain}\u0000${json}`)}`;
    keys[i] = chain;
  }
  return keys;
}

/** JSON that keeps apart what a template could render apart: non-finite numbers as themselves; functions and symbols are not cached. */
function exactly(_key: string, value: unknown): unknown {
  if (typeof value === "number" && !Number.isFinite(value)) return `\u0000${value}`;
  if (typeof value === "function" || typeof value === "symbol" || typeof value === "bigint") throw new TypeError("not cached");
  return value;
}

/** The remembered count of a prefix: a number, `null` when the template refused it, `undefined` when unknown. */
export function cachedPrefixCount(key: string | undefined): number | null | undefined {
  if (key === undefined) return undefined;
  const count = counts.get(key);
  return count === undefined ? undefined : count < 0 ? null : count;
}

export function rememberPrefixCount(key: string | undefined, count: number | undefined): void {
  if (key === undefined) return;
  if (counts.size >= MAX_ENTRIES) counts.delete(counts.keys().next().value as string);
  counts.set(key, count ?? -1);
}

/** Two 53-bit hashes (cyrb53 with two seeds) of `text`, as hex. */
function hash(text: string): string {
  return `${cyrb53(text, 0x9e3779b9).toString(16)}.${cyrb53(text, 0x85ebca6b).toString(16)}`;
}

function cyrb53(text: string, seed: number): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}
