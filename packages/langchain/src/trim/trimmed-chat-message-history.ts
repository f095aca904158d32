import { BaseChatMessageHistory } from "@langchain/core/chat_history";
import { type BaseMessage, SystemMessage } from "@langchain/core/messages";
import { DEFAULT_MODEL } from "@tokenledger/core";
import { countOf, inputLimit, parseContextWindowError, RETRY_HEADROOM } from "../recovery/index.js";
import { budgetOf, describeValue } from "./prompt-budget.js";
import { resolveCounterOption } from "./resolve-counter-option.js";
import { apiValid } from "./tool-call-units.js";
import { TrimError } from "./trim-error.js";
import { type TrimOptions, trimHistoryAsync } from "./trim-history.js";

export interface TrimmedHistoryOptions extends TrimOptions {
  /**
   * Also delete from the wrapped store what the budget dropped. Default false: the store keeps
   * everything. Messages left out only to keep the history valid (an AI tool call whose answers
   * have not arrived yet) are never deleted.
   */
  pruneStore?: boolean;
  /**
   * The system message your prompt sends before the history: counted in the budget (with
   * `maxTokens`, the budget is the whole prompt's), never returned by `getMessages()`.
   */
  systemPrompt?: string | SystemMessage;
  /**
   * Tokens kept free for what the prompt adds after the history: the new user input and any
   * template text around it. Default 0 (the budget is the history's alone). Tools sent with the
   * call go in `tools`.
   */
  inputReserve?: number;
}

/**
 * The tail of each store's queue of operations made through a TrimmedChatMessageHistory, so that a
 * write never lands between a prune's read and its clear. Keyed weakly by the store; every wrapper
 * of one store shares its queue.
 */
const queues = new WeakMap<BaseChatMessageHistory, Promise<unknown>>();

/**
 * What a store's wrappers learned from refusals: the tokens the prompt adds that the options did
 * not account for, and our count of the last prompt part read (for the next refusal). Keyed weakly
 * by the store, so a wrapper made anew per call (as `RunnableWithMessageHistory` does) keeps it.
 */
interface Learned {
  extraReserve: number;
  lastRead?: { counted: number; budget: number };
}
const learned = new WeakMap<BaseChatMessageHistory, Learned>();

function serialized<T>(store: BaseChatMessageHistory, operation: () => Promise<T>): Promise<T> {
  const result = (queues.get(store) ?? Promise.resolve()).then(operation);
  const tail = result.then(
    () => undefined,
    () => undefined,
  );
  queues.set(store, tail);
  return result;
}

/**
 * Wraps any chat history so that `getMessages()` returns only what fits the budget.
 * Writes go to the wrapped history unchanged; nothing is deleted from it unless
 * `pruneStore` is set. Reads, writes and prunes made through wrappers of one store run one
 * after another, so a write that races a prune is never lost (writes made to the store
 * directly, around the wrapper, are not covered).
 *
 * The budget is the prompt's: give what the prompt adds around the history (`systemPrompt`,
 * `inputReserve` for the new input, `tools`) and the history gets what is left. When the
 * provider still refuses a prompt for its length, `recordRefusal(error)` learns the part the
 * history was not told about, so the next read fits (see `withRefusalRetry`).
 *
 * @example
 * ```ts
 * const history = new TrimmedChatMessageHistory(new InMemoryChatMessageHistory(), {
 *   model: "gpt-4o-mini", maxTokens: 4000, systemPrompt: "You are terse.", inputReserve: 300,
 * });
 * await history.addMessage(new HumanMessage("Hi"));
 * await history.getMessages(); // the newest messages that fit in 4,000 - system prompt - 300 tokens
 * ```
 */
export class TrimmedChatMessageHistory extends BaseChatMessageHistory {
  lc_namespace = ["tokenledger", "chat_history"];
  readonly #system: SystemMessage[];
  readonly #inputReserve: number;

  constructor(
    readonly inner: BaseChatMessageHistory,
    readonly options: TrimmedHistoryOptions,
  ) {
    super();
    const reserve = options?.inputReserve ?? 0;
    if (typeof reserve !== "number" || !Number.isFinite(reserve) || reserve < 0) {
      throw new TrimError(`TrimmedChatMessageHistory: inputReserve must be a finite number >= 0, got ${describeValue(reserve)}`);
    }
    this.#inputReserve = reserve;
    const system = options?.systemPrompt;
    if (system !== undefined && typeof system !== "string" && !SystemMessage.isInstance(system)) {
      throw new TrimError(`TrimmedChatMessageHistory: systemPrompt must be a string or a SystemMessage, got ${describeValue(system)}`);
    }
    this.#system = system === undefined ? [] : [typeof system === "string" ? new SystemMessage(system) : system];
  }

  getMessages(): Promise<BaseMessage[]> {
    return serialized(this.inner, async () => {
      const all = await this.inner.getMessages();
      const state = learned.get(this.inner);
      const budget = Math.max(0, this.#fullBudget() - this.#inputReserve - (state?.extraReserve ?? 0));
      const system = this.#system;
      const trimmed = await trimHistoryAsync([...system, ...all], {
        ...this.options,
        maxTokens: budget,
        ...(system.length > 0 ? { includeSystem: true } : {}),
      });
      const kept = system.length > 0 && trimmed[0] === system[0] ? trimmed.slice(1) : trimmed;
      learned.set(this.inner, { extraReserve: state?.extraReserve ?? 0, lastRead: { counted: this.#count([...system, ...kept]), budget } });
      if (this.options.pruneStore) {
        const next = afterPrune(all, kept);
        if (next.length !== all.length || next.some((m, i) => m !== all[i])) {
          await this.inner.clear();
          await this.inner.addMessages(next);
        }
      }
      return kept;
    });
  }

  /**
   * Learns from a provider's context-length refusal of a prompt built on this history: the part
   * of the prompt the options did not account for (system prompt, new input, tools) is reserved
   * from then on, for every wrapper of this store, with `RETRY_HEADROOM` of the limit to spare.
   * Given the whole prompt that was sent (`sent`), the provider's size of it is also recorded in
   * `calibration` as an observation; without it, it is not (the history alone does not know what
   * the prompt added, and that is not a tokenizer's error). Returns false when `error` is not such
   * a refusal.
   *
   * @example
   * ```ts
   * try { await chain.invoke(input, config); } catch (e) { if (history.recordRefusal(e)) await chain.invoke(input, config); else throw e; }
   * ```
   */
  recordRefusal(error: unknown, sent?: BaseMessage[]): boolean {
    const refusal = parseContextWindowError(error);
    if (!refusal) return false;
    if (Array.isArray(sent) && refusal.inputTokens !== undefined) {
      try {
        this.options.calibration?.observe?.(this.#model(), this.#count(sent), refusal.inputTokens, { messages: sent });
      } catch {
        // A calibration that throws learns nothing; the reserve below still does.
      }
    }
    const state = learned.get(this.inner) ?? { extraReserve: 0 };
    const full = this.#fullBudget();
    const last = state.lastRead;
    const limit = inputLimit(refusal);
    let extra: number;
    if (last && refusal.inputTokens !== undefined && limit !== undefined) {
      // The history part may be `limit - unaccounted`, where unaccounted = provider's prompt - our count of the history part.
      const unaccounted = Math.max(0, refusal.inputTokens - last.counted);
      const allowed = Math.min(full, limit) * (1 - RETRY_HEADROOM) - unaccounted;
      extra = Math.ceil(full - this.#inputReserve - allowed);
    } else if (last) {
      // No sizes (or no prompt size): give up a quarter of what the history sent.
      extra = state.extraReserve + Math.ceil(last.counted / 4);
    } else {
      extra = state.extraReserve + Math.ceil(full / 4);
    }
    learned.set(this.inner, { ...state, extraReserve: Math.min(full, Math.max(state.extraReserve + 1, extra)) });
    return true;
  }

  addMessage(message: BaseMessage): Promise<void> {
    return serialized(this.inner, () => this.inner.addMessage(message));
  }

  override addMessages(messages: BaseMessage[]): Promise<void> {
    return serialized(this.inner, () => this.inner.addMessages(messages));
  }

  addUserMessage(message: string): Promise<void> {
    return serialized(this.inner, () => this.inner.addUserMessage(message));
  }

  addAIChatMessage(message: string): Promise<void> {
    return serialized(this.inner, () => this.inner.addAIMessage(message));
  }

  override addAIMessage(message: string): Promise<void> {
    return serialized(this.inner, () => this.inner.addAIMessage(message));
  }

  clear(): Promise<void> {
    return serialized(this.inner, () => this.inner.clear());
  }

  #fullBudget(): number {
    return budgetOf(this.options.maxTokens, this.#model(), this.options.reserveOutputTokens);
  }

  #model(): string {
    return resolveCounterOption(this.options).model ?? DEFAULT_MODEL;
  }

  #count(messages: BaseMessage[]): number {
    return countOf(messages, this.#model(), resolveCounterOption(this.options).tools);
  }
}

/**
 * The store after a prune: without what the budget dropped (messages the trim could send but did
 * not keep). What the trim left out only to stay valid (an AI tool call still waiting for its
 * answers, a lone tool answer) stays. A kept message the trim made anew (a partial message) takes
 * the place of the dropped part.
 */
function afterPrune(all: BaseMessage[], kept: BaseMessage[]): BaseMessage[] {
  const valid = new Set(apiValid(all).list);
  const keptSet = new Set(kept);
  const stored = new Set(all);
  if (kept.every((m) => stored.has(m))) return all.filter((m) => keptSet.has(m) || !valid.has(m));
  let lastValid = -1;
  all.forEach((m, i) => {
    if (valid.has(m)) lastValid = i;
  });
  return [...kept, ...all.slice(lastValid + 1)];
}
