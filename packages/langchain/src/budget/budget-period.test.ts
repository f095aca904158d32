import { describe, expect, it } from "vitest";
import { periodWindow } from "./budget-period.js";

describe("periodWindow", () => {
  it("a UTC day and month", () => {
    const now = Date.parse("2026-12-05T21:00:00Z");
    expect(periodWindow("day", now)).toEqual({
      start: Date.parse("2026-12-05T00:00:00Z"),
      previousStart: -1,
      resetsAt: Date.parse("2026-12-06T00:00:00Z"),
    });
    expect(periodWindow("month", now)).toEqual({
      start: Date.parse("2026-12-01T00:00:00Z"),
      previousStart: -1,
      resetsAt: Date.parse("2027-01-01T00:00:00Z"),
    });
  });

  it("calendar days in a time zone, across daylight-saving changes (the reference: Intl's own offsets)", () => {
    // Paris moves to summer time on 2026-03-29: that day has 23 hours.
    const w = periodWindow("day", Date.parse("2026-03-29T12:00:00Z"), "Europe/Paris");
    expect(new Date(w.start).toISOString()).toBe("2026-03-28T23:00:00.000Z");
    expect(new Date(w.resetsAt!).toISOString()).toBe("2026-03-29T22:00:00.000Z");
    // 23:30 in New York on Jan 31 is already Feb 1 in UTC, still January there.
    const m = periodWindow("month", Date.parse("2026-02-01T04:30:00Z"), "America/New_York");
    expect(new Date(m.start).toISOString()).toBe("2026-01-01T05:00:00.000Z");
    expect(new Date(m.resetsAt!).toISOString()).toBe("2026-02-01T05:00:00.000Z");
    // Kolkata: +05:30.
    expect(new Date(periodWindow("day", Date.parse("2026-06-01T20:00:00Z"), "Asia/Kolkata").start).toISOString()).toBe(
      "2026-06-01T18:30:00.000Z",
    );
  });

  it("rolling windows count the current and the previous slot; a run's budget never resets", () => {
    expect(periodWindow({ rollingMs: 3_600_000 }, 7_300_000)).toEqual({ start: 7_200_000, previousStart: 3_600_000, resetsAt: 10_800_000 });
    expect(periodWindow("run", 123)).toEqual({ start: 0, previousStart: -1, resetsAt: undefined });
  });
});
