import { boundedJson } from "./bounded-json.js";
import type { RecordMetadataValue } from "./ledger-record.js";

/** Who a run was for, as the handler's `attribute` option returns it. */
export interface RunAttribution {
  userId?: string;
  threadId?: string;
  tenantId?: string;
}

/** What `attribute` is given: the run's tags and metadata as LangChain passed them, unread. */
export interface RunLabels {
  tags: readonly unknown[];
  metadata: Readonly<Record<string, unknown>>;
}

/** Bounds on what a record keeps of a run's labels, so one run cannot make a record large. */
export const ATTRIBUTION_LIMITS = {
  /** Tags kept, in order; later ones are dropped. */
  maxTags: 32,
  /** Metadata keys kept, in order; later ones are dropped. */
  maxMetadataKeys: 32,
  /** Characters kept of a tag, a metadata key, a string value or an id. */
  maxStringLength: 256,
} as const;

/** The labels a record carries, read from a run's start event. */
export interface RecordLabels extends RunAttribution {
  tags: string[];
  metadata: Record<string, RecordMetadataValue>;
  /** `metadata.tokenledger_budgets`, the budgets a budget helper reserved this run against. */
  budgets?: string[];
}

/** The metadata key a budget helper sets to the names of the budgets a run is counted against. */
export const BUDGETS_METADATA_KEY = "tokenledger_budgets";

/**
 * Reads a run's tags, metadata and attribution (user, thread, tenant). The ids come from
 * `attribute` when it returns them, else from `metadata.user_id`, `metadata.thread_id` (LangChain
 * copies `configurable.thread_id` there; `sessionId` is `RunnableWithMessageHistory`'s key) and
 * `metadata.tenant_id`; `budgets` from `metadata.tokenledger_budgets` (a string array). Values are
 * bounded by `ATTRIBUTION_LIMITS`, and so is the work: objects in metadata become JSON cut at the
 * string length (`boundedJson`), and only the first keys are looked at. Never throws: what cannot
 * be read is left out and named in `problems`.
 *
 * @example
 * ```ts
 * readAttribution(["prod"], { user_id: "u1", thread_id: "t1", ls_provider: "openai" }, undefined);
 * // { labels: { tags: ["prod"], metadata: {...}, userId: "u1", threadId: "t1" }, problems: [] }
 * ```
 */
export function readAttribution(
  tags: unknown,
  metadata: unknown,
  attribute: ((run: RunLabels) => RunAttribution | undefined) | undefined,
): { labels: RecordLabels; problems: string[] } {
  const problems: string[] = [];
  const keptTags: string[] = [];
  const keptMetadata: Record<string, RecordMetadataValue> = {};
  let rawTags: unknown[] = [];
  let rawMetadata: Record<string, unknown> = {};
  try {
    if (Array.isArray(tags)) rawTags = tags.slice(0, ATTRIBUTION_LIMITS.maxTags);
    for (const tag of rawTags) if (typeof tag === "string") keptTags.push(cut(tag));
  } catch {
    problems.push("tags");
  }
  try {
    if (metadata !== null && typeof metadata === "object") rawMetadata = metadata as Record<string, unknown>;
    for (const key of ownKeys(rawMetadata, ATTRIBUTION_LIMITS.maxMetadataKeys)) {
      try {
        const value = metadataValue(rawMetadata[key]);
        if (value !== undefined) keptMetadata[cut(key)] = value;
      } catch {
        problems.push(`metadata.${cut(key)}`);
      }
    }
  } catch {
    problems.push("metadata");
  }
  const fromMetadata = (...keys: string[]): string | undefined => {
    for (const key of keys) {
      try {
        const id = idOf(rawMetadata[key]);
        if (id !== undefined) return id;
      } catch {
        problems.push(`metadata.${key}`);
      }
    }
    return undefined;
  };
  let given: RunAttribution | undefined;
  if (attribute) {
    try {
      given = attribute({ tags: rawTags, metadata: rawMetadata }) ?? undefined;
      const then = (given as { then?: unknown } | undefined)?.then;
      if (typeof then === "function") {
        // A promise is no attribution (the start cannot wait); its rejection must not go unhandled.
        Promise.resolve(given).then(undefined, () => undefined);
        given = undefined;
        problems.push("attribute (returned a promise)");
      }
    } catch {
      given = undefined;
      problems.push("attribute");
    }
  }
  const userId = idOf(given?.userId) ?? fromMetadata("user_id", "userId");
  const threadId = idOf(given?.threadId) ?? fromMetadata("thread_id", "threadId", "sessionId", "session_id");
  const tenantId = idOf(given?.tenantId) ?? fromMetadata("tenant_id", "tenantId");
  let budgets: string[] | undefined;
  try {
    const listed = rawMetadata[BUDGETS_METADATA_KEY];
    if (Array.isArray(listed)) {
      budgets = listed
        .slice(0, ATTRIBUTION_LIMITS.maxTags)
        .filter((name): name is string => typeof name === "string" && name !== "")
        .map(cut);
    }
  } catch {
    problems.push(`metadata.${BUDGETS_METADATA_KEY}`);
  }
  return {
    labels: {
      tags: keptTags,
      metadata: keptMetadata,
      ...(userId === undefined ? {} : { userId }),
      ...(threadId === undefined ? {} : { threadId }),
      ...(tenantId === undefined ? {} : { tenantId }),
      ...(budgets === undefined || budgets.length === 0 ? {} : { budgets }),
    },
    problems,
  };
}

/** The first `max` own enumerable keys, without listing every key of a huge object. */
function ownKeys(object: object, max: number): string[] {
  const keys: string[] = [];
  let visited = 0;
  for (const key in object) {
    if (keys.length >= max || ++visited > 4 * max) break;
    if (Object.hasOwn(object, key)) keys.push(key);
  }
  return keys;
}

function cut(text: string): string {
  return text.length > ATTRIBUTION_LIMITS.maxStringLength ? text.slice(0, ATTRIBUTION_LIMITS.maxStringLength) : text;
}

function idOf(value: unknown): string | undefined {
  if (typeof value === "string") return value === "" ? undefined : cut(value);
  return typeof value === "number" && Number.isFinite(value) ? String(value) : undefined;
}

function metadataValue(value: unknown): RecordMetadataValue | undefined {
  if (value === null || typeof value === "boolean") return value;
  if (typeof value === "number") return Number.isFinite(value) ? value : String(value);
  if (typeof value === "string") return cut(value);
  if (typeof value === "bigint") return cut(String(value));
  if (typeof value === "object") return boundedJson(value, ATTRIBUTION_LIMITS.maxStringLength);
  return undefined;
}
