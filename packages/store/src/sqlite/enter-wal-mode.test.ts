import { describe, expect, it } from "vitest";
import { enterWalMode } from "./enter-wal-mode.js";

const failing = (code: string, times: number) => {
  const db = {
    tries: 0,
    exec() {
      if (++db.tries <= times) throw Object.assign(new Error(`${code}: database is locked`), { code });
    },
  };
  return db;
};

describe("enterWalMode", () => {
  it("tries a busy switch again until it is made, and gives up at the busy timeout with SQLite's error", () => {
    const busyTwice = failing("SQLITE_BUSY", 2);
    enterWalMode(busyTwice as never, 1_000);
    expect(busyTwice.tries).toBe(3);
    const recovering = failing("SQLITE_BUSY_RECOVERY", 1);
    enterWalMode(recovering as never, 1_000);
    expect(recovering.tries).toBe(2);
    const start = Date.now();
    expect(() => enterWalMode(failing("SQLITE_BUSY", Number.POSITIVE_INFINITY) as never, 60)).toThrow(/database is locked/);
    expect(Date.now() - start).toBeGreaterThanOrEqual(60);
  });

  it("does not retry other errors", () => {
    const io = failing("SQLITE_IOERR", 5);
    expect(() => enterWalMode(io as never, 1_000)).toThrow(/SQLITE_IOERR/);
    expect(io.tries).toBe(1);
  });
});
