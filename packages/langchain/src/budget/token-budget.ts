import { type ModelPrice, resolveModel } from "@tokenledger/core";
import { compilePricing, costInPico, countPromptTotal, findPrice, type PicoPrice } from "@tokenledger/core/internal";
import type { TrimCalibration } from "../calibration/index.js";
import { APPROXIMATE_MARGIN, countedWithoutData, toChatMessage, withApproximateMargin } from "../counters/index.js";
import { durationMsOr, finitePositiveOr, toToolDefinitions } from "../shared/index.js";
import { BudgetExceededError } from "./budget-exceeded-error.js";
import { type BudgetContext, type BudgetLimit, type BudgetQuantity, checkLimits, scopeKeyOf } from "./budget-limit.js";
import { periodWindow } from "./budget-period.js";
import type { BudgetLine, BudgetStore } from "./budget-store.js";
import { InMemoryBudgetStore } from "./in-memory-budget-store.js";

export interface TokenBudgetOptions {
  /** The budgets; several may apply to one call, and the first that would be crossed refuses it. */
  limits: BudgetLimit[];
  /** Where counters and reservations live; default an `InMemoryBudgetStore` (this process only). */
  store?: BudgetStore;
  /** Multiplies estimated input counts by its safety factor (default for estimates: 1.25; exact counts: 1). */
  calibration?: TrimCalibration;
  /** Prices over the built-in table (USD per token), for USD budgets, as the ledger's `pricing`. */
  pricing?: Record<string, ModelPrice>;
  /** How long a reservation holds if it is never settled or released (a crashed process); default 600000 (10 min). */
  reservationTtlMs?: number;
  /** The output reserved when neither the call nor the model table gives a max; default 4096. */
  defaultMaxOutputTokens?: number;
  /** The clock (ms since the epoch); default `Date.now`. */
  now?: () => number;
}

/** A call to reserve for. */
export interface ReserveRequest {
  /** Who the call is for; see `budgetContext` to read it from run metadata. */
  context?: BudgetContext;
  /** The model called: its rules count the messages, its price values USD budgets. */
  model: string;
  /** The prompt's size by our count; when absent, `messages` (and `tools`) are counted. */
  inputTokens?: number;
  /** Whether `inputTokens` is an estimate (then the calibration's margin applies); default false. */
  approximate?: boolean;
  /** LangChain or chat messages, counted exactly by the model's rules (estimated for closed tokenizers). */
  messages?: readonly unknown[];
  tools?: readonly unknown[];
  /** The call's max output tokens; default the model table's, else `defaultMaxOutputTokens`. */
  maxOutputTokens?: number;
}

/** What a call used, as the provider reported it. */
export interface BudgetUsage {
  inputTokens: number;
  outputTokens: number;
  /** Input tokens read from the provider's cache (priced at the cache price). */
  cachedInputTokens?: number;
}

/** One budget's numbers for one scope key (`TokenBudget.status`), in its unit: tokens, or USD. */
export interface BudgetStatus {
  budget: string;
  scopeKey: string;
  quantity: BudgetQuantity;
  limit: number;
  spent: number;
  reserved: number;
  /** When the period ends; undefined for a run's budget. */
  resetsAt: Date | undefined;
}

/** A held reservation: settle it with the reported usage, or release it when the call failed. */
export interface BudgetReservation {
  readonly id: string;
  /** The names of the budgets it holds (for the ledger's `tokenledger_budgets` metadata). */
  readonly budgets: string[];
  /** What was reserved: the input estimate (with its margin) and the max output. */
  readonly estimate: { inputTokens: number; outputTokens: number };
  /** When the reservation lapses if it is neither settled nor released. */
  readonly expiresAt: Date;
  /** Bills `usage` (without usage: what was reserved) and frees the reservation. Once only; later calls do nothing. */
  settle(usage?: BudgetUsage): Promise<void>;
  /** Frees the reservation, billing nothing (or `usage`, when a failed call was partly billed). */
  release(usage?: BudgetUsage): Promise<void>;
}

/** USD budgets are kept in nano-dollars: integers, exact to 1e-9 USD. */
const NANO_PER_USD = 1e9;
const NEVER = Number.MAX_SAFE_INTEGER;
/** How long a run budget's counter is kept after its last use. */
const RUN_IDLE_MS = 86_400_000;

/**
 * Token and cost budgets enforced before a call: `reserve` holds the call's estimated cost
 * (input by our count x the calibration's margin, plus the max output) on every budget that
 * applies, or throws `BudgetExceededError`; `settle` bills the reported usage; `release` frees
 * it on error. A reservation never settled (a dead process) lapses after `reservationTtlMs`.
 * Guarantee: a budget's spending exceeds its limit by at most the estimate errors of the calls
 * in flight when it was reached (0 for exactly counted models whose max output is respected).
 *
 * @example
 * ```ts
 * const budget = new TokenBudget({
 *   limits: [
 *     { name: "user-daily", scope: "user", period: "day", quantity: "total", limit: 200_000 },
 *     { name: "tenant-monthly-usd", scope: "tenant", period: "month", quantity: "usd", limit: 50, timeZone: "Europe/Paris" },
 *   ],
 * });
 * const held = await budget.reserve({ context: { userId: "u1", tenantId: "acme" }, model: "gpt-4o-mini", messages, maxOutputTokens: 500 });
 * try { const reply = await model.invoke(messages); await held.settle({ inputTokens: 812, outputTokens: 95 }); }
 * catch (e) { await held.release(); throw e; }
 * ```
 */
export class TokenBudget {
  readonly store: BudgetStore;
  readonly #limits: BudgetLimit[];
  readonly #calibration: TrimCalibration | undefined;
  readonly #pricing: Map<string, PicoPrice>;
  readonly #ttl: number;
  readonly #defaultMaxOutput: number;
  readonly #now: () => number;
  #nextSweep = 0;

  constructor(options: TokenBudgetOptions) {
    checkLimits(options?.limits);
    this.#limits = options.limits.map((l) => ({ ...l }));
    this.store = options.store ?? new InMemoryBudgetStore();
    this.#calibration = options.calibration;
    this.#pricing = compilePricing(options.pricing, "TokenBudget");
    this.#ttl = durationMsOr(options.reservationTtlMs, 600_000);
    this.#defaultMaxOutput = Math.floor(finitePositiveOr(options.defaultMaxOutputTokens, 4096));
    this.#now = options.now ?? Date.now;
  }

  /** The budgets' names, in order. */
  get names(): string[] {
    return this.#limits.map((l) => l.name);
  }

  /**
   * Reserves a call's estimated cost on every budget that applies; throws `BudgetExceededError`
   * for the first that would be crossed (and holds nothing then).
   */
  async reserve(request: ReserveRequest): Promise<BudgetReservation> {
    const now = this.#now();
    await this.#sweep(now);
    const estimate = { inputTokens: this.#estimateInput(request), outputTokens: this.#maxOutput(request) };
    const context = request.context ?? {};
    const lines: Array<BudgetLine & { limitDef: BudgetLimit; scopeKey: string }> = [];
    for (const limitDef of this.#limits) {
      const scopeKey = scopeKeyOf(limitDef, context);
      if (scopeKey === undefined) continue;
      const amount = this.#amount(limitDef, request.model, estimate.inputTokens, 0, estimate.outputTokens);
      lines.push({ ...this.#line(limitDef, scopeKey, now, amount), limitDef, scopeKey });
    }
    const id = globalThis.crypto.randomUUID();
    const expiresAt = now + Math.min(this.#ttl, NEVER - now);
    const storeLines: BudgetLine[] = lines.map(({ limitDef, scopeKey, ...line }) => line);
    const refused = await this.store.reserve(id, storeLines, expiresAt);
    if (refused >= 0) {
      const states = await this.store.read(storeLines);
      // The first budget, in the order given, that would be crossed now; the store's answer if a race moved it.
      let at = states.findIndex((s, i) => s.spent + s.reserved + lines[i]!.amount > s.limit);
      if (at < 0) at = refused;
      const line = lines[at]!;
      const state = states[at]!;
      const usd = line.limitDef.quantity === "usd";
      const unit = (n: number) => (usd ? n / NANO_PER_USD : n);
      throw new BudgetExceededError({
        budget: line.budget,
        scopeKey: line.scopeKey,
        quantity: line.limitDef.quantity,
        limit: usd ? line.limitDef.limit : line.limit,
        spent: unit(state.spent),
        reserved: unit(state.reserved),
        requested: unit(line.amount),
        resetsAt: line.resetsAt == null ? undefined : new Date(line.resetsAt),
      });
    }
    let done = false;
    const finish = async (usage: BudgetUsage | undefined, bill: boolean) => {
      if (done) return;
      done = true;
      // Billed in the period the call ends in.
      const at = this.#now();
      const billed = lines.map(({ limitDef, scopeKey, amount }) => {
        const spent = usage
          ? this.#amount(limitDef, request.model, count(usage.inputTokens), count(usage.cachedInputTokens), count(usage.outputTokens))
          : bill
            ? amount
            : 0;
        return this.#line(limitDef, scopeKey, at, spent);
      });
      await this.store.settle(id, billed);
    };
    return {
      id,
      budgets: lines.map((l) => l.budget),
      estimate,
      expiresAt: new Date(expiresAt),
      settle: (usage) => finish(usage, true),
      release: (usage) => finish(usage, false),
    };
  }

  /**
   * Each budget's numbers for `context` now: spent, reserved, limit and reset time (budgets whose
   * scope does not apply are left out). For a report over every counter, see the store's `list`.
   *
   * @example
   * ```ts
   * await budget.status({ userId: "u1" }); // [{ budget: "user-daily", scopeKey: "u1", limit: 200000, spent: 1200, reserved: 0, ... }]
   * ```
   */
  async status(context: BudgetContext = {}): Promise<BudgetStatus[]> {
    const now = this.#now();
    const found: Array<{ def: BudgetLimit; scopeKey: string; line: BudgetLine }> = [];
    for (const def of this.#limits) {
      let scopeKey: string | undefined;
      try {
        scopeKey = scopeKeyOf(def, context);
      } catch {
        continue;
      }
      if (scopeKey !== undefined) found.push({ def, scopeKey, line: this.#line(def, scopeKey, now, 0) });
    }
    const states = await this.store.read(found.map((f) => f.line));
    return found.map(({ def, scopeKey, line: { resetsAt } }, i) => {
      const usd = def.quantity === "usd";
      const unit = (n: number) => (usd ? n / NANO_PER_USD : n);
      return {
        budget: def.name,
        scopeKey,
        quantity: def.quantity,
        limit: def.limit,
        spent: unit(states[i]!.spent),
        reserved: unit(states[i]!.reserved),
        resetsAt: resetsAt == null ? undefined : new Date(resetsAt),
      };
    });
  }

  /** Releases reservations past their time-to-live now (`reserve` also does, at most once a second). */
  async expire(): Promise<number> {
    return this.store.expire(this.#now());
  }

  async #sweep(now: number): Promise<void> {
    if (now < this.#nextSweep) return;
    this.#nextSweep = now + Math.min(1000, this.#ttl);
    await this.store.expire(now);
  }

  /** The store line of one budget for one scope key at `now`, with when its period resets. */
  #line(def: BudgetLimit, scopeKey: string, now: number, amount: number): BudgetLine {
    const window = periodWindow(def.period, now, def.timeZone);
    // A counter may be forgotten once nothing it holds counts any more: after its period (and the next, for a rolling window).
    const forgetAfter =
      def.period === "run"
        ? now + RUN_IDLE_MS
        : window.previousStart >= 0
          ? window.resetsAt! + (window.resetsAt! - window.start)
          : (window.resetsAt ?? NEVER);
    return {
      key: `${def.name}|${scopeKey}`,
      budget: def.name,
      limit: this.#unitLimit(def),
      periodStart: window.start,
      previousStart: window.previousStart,
      forgetAfter,
      amount,
      resetsAt: window.resetsAt ?? null,
    };
  }

  #estimateInput(request: ReserveRequest): number {
    let tokens: number;
    let approximate = request.approximate === true;
    if (request.inputTokens !== undefined) {
      if (!(Number.isFinite(request.inputTokens) && request.inputTokens >= 0))
        throw new RangeError("TokenBudget.reserve: inputTokens must be a finite number >= 0");
      tokens = Math.ceil(request.inputTokens);
    } else {
      const messages = Array.isArray(request.messages) ? request.messages : [];
      const counted = countPromptTotal(
        messages.map((m) => toChatMessage(m)),
        { model: request.model, tools: toToolDefinitions(request.tools as unknown[] | undefined) },
      );
      if (countedWithoutData(request.model, counted)) return withApproximateMargin(counted.total, messages.length, true);
      tokens = counted.total;
      approximate = counted.approximate === true;
    }
    return Math.ceil(tokens * this.#factor(request.model, approximate));
  }

  #factor(model: string, approximate: boolean): number {
    let factor = approximate ? APPROXIMATE_MARGIN.factor : 1;
    if (this.#calibration) {
      try {
        const f = this.#calibration.safetyFactor(model);
        if (Number.isFinite(f) && f > 0) factor = approximate ? f : Math.max(1, f);
      } catch {
        // A calibration that throws leaves the default margin.
      }
    }
    return factor;
  }

  #maxOutput(request: ReserveRequest): number {
    const given = request.maxOutputTokens;
    if (given !== undefined) {
      if (!(Number.isInteger(given) && given >= 0)) throw new RangeError("TokenBudget.reserve: maxOutputTokens must be an integer >= 0");
      return given;
    }
    return resolveModel(request.model).maxOutputTokens ?? this.#defaultMaxOutput;
  }

  #unitLimit(def: BudgetLimit): number {
    return def.quantity === "usd" ? Math.floor(def.limit * NANO_PER_USD) : Math.floor(def.limit);
  }

  /** A call's amount on one budget, in the budget's unit. */
  #amount(def: BudgetLimit, model: string, input: number, cachedInput: number, output: number): number {
    switch (def.quantity) {
      case "input":
        return input;
      case "output":
        return output;
      case "total":
        return input + output;
      case "usd": {
        const price = findPrice(this.#pricing, model);
        if (!price)
          throw new TypeError(`budget "${def.name}" counts USD, but model "${model}" has no price: add it to TokenBudget's pricing`);
        const pico = costInPico(price, input, Math.min(cachedInput, input), output);
        // Rounded up to the nano-dollar: a budget is never undercharged.
        return Number((pico + 999n) / 1000n);
      }
    }
  }
}

/** A reported token number as a non-negative integer (anything else counts 0). */
function count(n: unknown): number {
  return typeof n === "number" && Number.isFinite(n) && n > 0 ? Math.floor(n) : 0;
}
