/** How long a budget's spending counts: one run, a calendar day or month, or a rolling window. */
export type BudgetPeriod = "run" | "day" | "month" | { rollingMs: number };

/**
 * The window a call falls in, as the stores key it (milliseconds since the epoch):
 * `start` of the current period; `previousStart`, the period before it whose spending still
 * counts (rolling windows only; `-1` for the others); `resetsAt`, when what is counted now starts
 * to drop out (`undefined`: never, for a run's budget).
 */
export interface PeriodWindow {
  start: number;
  previousStart: number;
  resetsAt: number | undefined;
}

/**
 * The window `now` falls in. Days and months are calendar ones in `timeZone` (an IANA name,
 * default "UTC"), daylight-saving changes included. A rolling window of length W is kept as
 * epoch-aligned slots of length W, the current and the previous one both counted: spending in
 * any W-long stretch of time is then never more than the limit (it is conservative: a call may
 * be refused for spending up to 2 W old).
 *
 * @example
 * ```ts
 * periodWindow("day", Date.parse("2026-03-29T12:00:00Z"), "Europe/Paris");
 * // { start: Date.parse("2026-03-28T23:00:00Z"), previousStart: -1, resetsAt: Date.parse("2026-03-29T22:00:00Z") }
 * ```
 */
export function periodWindow(period: BudgetPeriod, now: number, timeZone = "UTC"): PeriodWindow {
  if (period === "run") return { start: 0, previousStart: -1, resetsAt: undefined };
  if (typeof period === "string") {
    // The last calendar window of each (period, zone) is kept: most calls fall in it, and Intl is slow.
    const key = `${period}|${timeZone}`;
    const last = calendarWindows.get(key);
    if (last && now >= last.start && now < last.resetsAt!) return last;
    const window = calendarWindow(period, now, timeZone);
    if (calendarWindows.size >= 64) calendarWindows.clear();
    calendarWindows.set(key, window);
    return window;
  }
  const w = period.rollingMs;
  const start = Math.floor(now / w) * w;
  return { start, previousStart: start - w, resetsAt: start + w };
}

/** The last window computed per calendar period and time zone (bounded: cleared beyond 64 zones). */
const calendarWindows = new Map<string, PeriodWindow>();

function calendarWindow(period: "day" | "month", now: number, timeZone: string): PeriodWindow {
  const local = localParts(now, timeZone);
  if (period === "day") {
    return {
      start: zonedMidnight(local.year, local.month, local.day, timeZone),
      previousStart: -1,
      resetsAt: zonedMidnight(local.year, local.month, local.day + 1, timeZone),
    };
  }
  return {
    start: zonedMidnight(local.year, local.month, 1, timeZone),
    previousStart: -1,
    resetsAt: zonedMidnight(local.year, local.month + 1, 1, timeZone),
  };
}

/**
 * Checks a period and a time zone once, when a budget is made: a bad one is a clear error then,
 * not a wrong window later.
 */
export function checkPeriod(period: unknown, timeZone: unknown, who: string): void {
  const rolling = typeof period === "object" && period !== null ? (period as { rollingMs?: unknown }).rollingMs : undefined;
  const ok =
    period === "run" ||
    period === "day" ||
    period === "month" ||
    (typeof rolling === "number" && Number.isInteger(rolling) && rolling >= 1000 && rolling <= 366 * 86_400_000);
  if (!ok)
    throw new TypeError(
      `${who}: period must be "run", "day", "month" or { rollingMs } (an integer from 1000 to a year), got ${String(period)}`,
    );
  if (timeZone === undefined) return;
  try {
    if (typeof timeZone !== "string") throw new Error();
    new Intl.DateTimeFormat("en-US", { timeZone });
  } catch {
    throw new RangeError(`${who}: unknown time zone ${String(timeZone)}`);
  }
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    // Bounded: one formatter per time zone in use; a process uses a handful.
    if (formatters.size >= 64) formatters.clear();
    formatters.set(timeZone, f);
  }
  return f;
}

function localParts(instant: number, timeZone: string) {
  const parts: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(instant)) if (p.type !== "literal") parts[p.type] = Number(p.value);
  return { year: parts.year!, month: parts.month!, day: parts.day!, hour: parts.hour!, minute: parts.minute!, second: parts.second! };
}

/** The time zone's offset from UTC at `instant`, in milliseconds (local - UTC), to the second. */
function offsetAt(instant: number, timeZone: string): number {
  const p = localParts(instant, timeZone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - Math.floor(instant / 1000) * 1000;
}

/** The instant of local midnight starting `year-month-day` (month 1-12; overflow rolls over) in `timeZone`. */
function zonedMidnight(year: number, month: number, day: number, timeZone: string): number {
  const wall = Date.UTC(year, month - 1, day);
  // The offset at the guess, then at the corrected guess: right across a daylight-saving change.
  let instant = wall - offsetAt(wall, timeZone);
  instant = wall - offsetAt(instant, timeZone);
  return instant;
}
