import { describe, expect, it } from "vitest";
import { parseTime, redact, usd } from "./open-store.js";

describe("the report's option values", () => {
  const now = Date.UTC(2026, 2, 10, 12);
  it("reads --since / --until as a span ago or a date, and refuses anything else with exit 2", () => {
    expect(parseTime("24h", "--since", now)).toBe(now - 86_400_000);
    expect(parseTime("30m", "--since", now)).toBe(now - 1_800_000);
    expect(parseTime("7d", "--since", now)).toBe(now - 7 * 86_400_000);
    expect(parseTime("2w", "--since", now)).toBe(now - 14 * 86_400_000);
    expect(parseTime("1.5h", "--since", now)).toBe(now - 5_400_000);
    expect(parseTime("2026-03-01", "--since", now)).toBe(Date.UTC(2026, 2, 1));
    expect(parseTime("2026-03-01T06:00:00Z", "--until", now)).toBe(Date.UTC(2026, 2, 1, 6));
    expect(() => parseTime("yesterday", "--since", now)).toThrow(expect.objectContaining({ exitCode: 2 }));
    expect(() => parseTime("24x", "--until", now)).toThrow(/--until takes 30m, 24h, 7d, 2w or a date/);
  });

  it("shows dollars with their significant digits, and hides a connection string's password", () => {
    expect([usd(0), usd(12.345), usd(0.0123456), usd(0.00000015), usd(1)]).toEqual(["$0", "$12.35", "$0.01234", "$0.00000015", "$1.00"]);
    expect(redact("postgres://app:s3cret@db:5432/ledger")).toBe("postgres://app:***@db:5432/ledger");
    expect(redact("ledger.db")).toBe("ledger.db");
  });
});
