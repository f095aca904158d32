import { type BudgetPeriod, checkPeriod } from "./budget-period.js";

/** What a budget counts: input, output or total tokens as the provider reports them, or US dollars at the ledger's prices. */
export type BudgetQuantity = "input" | "output" | "total" | "usd";

/** Who a call is for, read from the run's metadata (see `budgetContext`) or given directly. */
export interface BudgetContext {
  userId?: string;
  tenantId?: string;
  threadId?: string;
  /** An id of the API key (never the secret: it is part of the scope key stores keep). */
  apiKeyId?: string;
  /** The run a "run" budget counts for. */
  runId?: string;
  /** The run's metadata, for a scope function. */
  metadata?: Readonly<Record<string, unknown>>;
}

/**
 * Whose spending a budget counts: one counter per user, tenant, thread, API key, for everyone
 * (`"global"`), or per the key a function derives from the context (`undefined`: the budget does
 * not apply to that call).
 */
export type BudgetScope = "user" | "tenant" | "thread" | "apiKey" | "global" | ((context: BudgetContext) => string | undefined);

/** One budget: a limit on a quantity, per scope and period. */
export interface BudgetLimit {
  /** Unique among a TokenBudget's limits; names the budget in errors, stores and the ledger. */
  name: string;
  scope: BudgetScope;
  period: BudgetPeriod;
  quantity: BudgetQuantity;
  /** Tokens, or US dollars for `quantity: "usd"`. */
  limit: number;
  /** The IANA time zone of "day" and "month" periods; default "UTC". */
  timeZone?: string;
}

const CONTEXT_FIELD = { user: "userId", tenant: "tenantId", thread: "threadId", apiKey: "apiKeyId" } as const;

/** Checks `limits` once, when a TokenBudget is made: one clear error names every problem's budget. */
export function checkLimits(limits: unknown): asserts limits is BudgetLimit[] {
  const who = "TokenBudget";
  if (!Array.isArray(limits) || limits.length === 0) throw new TypeError(`${who}: limits must be a non-empty array`);
  const names = new Set<string>();
  for (const l of limits as BudgetLimit[]) {
    if (typeof l?.name !== "string" || l.name === "" || l.name.includes("|"))
      throw new TypeError(`${who}: every limit needs a name (a non-empty string without "|")`);
    if (names.has(l.name)) throw new TypeError(`${who}: two limits are named "${l.name}"`);
    names.add(l.name);
    if (typeof l.scope !== "function" && !["user", "tenant", "thread", "apiKey", "global"].includes(l.scope as string)) {
      throw new TypeError(`${who}: limit "${l.name}": scope must be "user", "tenant", "thread", "apiKey", "global" or a function`);
    }
    if (!["input", "output", "total", "usd"].includes(l.quantity))
      throw new TypeError(`${who}: limit "${l.name}": quantity must be "input", "output", "total" or "usd"`);
    if (typeof l.limit !== "number" || !Number.isFinite(l.limit) || l.limit < 0)
      throw new RangeError(`${who}: limit "${l.name}": limit must be a finite number >= 0`);
    checkPeriod(l.period, l.timeZone, `${who}: limit "${l.name}"`);
  }
}

/**
 * The scope key of `limit` for a call, with the run id for a "run" budget; `undefined` when a
 * scope function says the budget does not apply. A named scope whose id is missing is a
 * TypeError: a budget the caller set must not be skipped silently.
 */
export function scopeKeyOf(limit: BudgetLimit, context: BudgetContext): string | undefined {
  let key: string | undefined;
  if (typeof limit.scope === "function") {
    key = limit.scope(context);
    if (key === undefined) return undefined;
    if (typeof key !== "string") throw new TypeError(`budget "${limit.name}": its scope function returned ${typeof key}, not a string`);
  } else if (limit.scope === "global") {
    key = "*";
  } else {
    const field = CONTEXT_FIELD[limit.scope];
    key = context[field];
    if (typeof key !== "string" || key === "") {
      throw new TypeError(
        `budget "${limit.name}" counts per ${limit.scope}, but the call has no ${field} (metadata.${METADATA_KEY[field]})`,
      );
    }
  }
  if (limit.period !== "run") return key;
  if (!context.runId) throw new TypeError(`budget "${limit.name}" counts per run, but the call has no runId`);
  return `${key}|${context.runId}`;
}

/** The metadata keys a context is read from (the ledger's attribution keys, and `api_key_id`). */
export const METADATA_KEY = { userId: "user_id", tenantId: "tenant_id", threadId: "thread_id", apiKeyId: "api_key_id" } as const;

/**
 * A call's budget context read from LangChain run metadata: `user_id`, `tenant_id`, `thread_id`
 * (LangChain copies `configurable.thread_id` there; `sessionId`, `RunnableWithMessageHistory`'s
 * key, is used when it is absent) and `api_key_id`, as the ledger reads attribution.
 *
 * @example
 * ```ts
 * budgetContext({ user_id: "u1", tenant_id: "acme" }, "run-1"); // { userId: "u1", tenantId: "acme", runId: "run-1", metadata: {...} }
 * ```
 */
export function budgetContext(metadata: Readonly<Record<string, unknown>> | undefined, runId?: string): BudgetContext {
  const m = metadata ?? {};
  const text = (v: unknown) => (typeof v === "string" && v !== "" ? v : typeof v === "number" ? String(v) : undefined);
  return {
    userId: text(m.user_id),
    tenantId: text(m.tenant_id),
    threadId: text(m.thread_id) ?? text(m.sessionId),
    apiKeyId: text(m.api_key_id),
    runId,
    metadata: m,
  };
}

/**
 * A call's budget context from its LangChain config: its metadata (`budgetContext`), with
 * `configurable.thread_id` or `configurable.sessionId` (`RunnableWithMessageHistory`'s key) as
 * the thread when the metadata names none, and the run id.
 */
export function configBudgetContext(
  config: { metadata?: Record<string, unknown>; configurable?: Record<string, unknown>; runId?: string } | undefined,
): BudgetContext {
  const configurable = config?.configurable ?? {};
  const thread = configurable.thread_id ?? configurable.sessionId;
  const context = budgetContext(config?.metadata, config?.runId);
  if (context.threadId === undefined && (typeof thread === "string" || typeof thread === "number")) context.threadId = String(thread);
  const runId = config?.runId ?? configurable.run_id;
  if (typeof runId === "string") context.runId = runId;
  return context;
}
