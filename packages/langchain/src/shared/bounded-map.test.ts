import { describe, expect, it } from "vitest";
import { BoundedMap } from "./bounded-map.js";

describe("BoundedMap", () => {
  it("evicts the oldest entries past its limit", () => {
    const map = new BoundedMap<string, number>(2);
    map.set("a", 1).set("b", 2).set("c", 3);
    expect([...map.keys()]).toEqual(["b", "c"]);
    map.set("b", 20);
    expect([...map.entries()]).toEqual([
      ["b", 20],
      ["c", 3],
    ]);
  });

  it("evicts the least recently used with setNewest", () => {
    const map = new BoundedMap<string, number>(2);
    map.set("a", 1).set("b", 2).setNewest("a", 1).set("c", 3);
    expect([...map.keys()]).toEqual(["a", "c"]);
  });

  it("never holds more than its limit, whatever is set", () => {
    const map = new BoundedMap<number, number>(100);
    for (let i = 0; i < 10_000; i++) map.setNewest(i % 377, i);
    expect(map.size).toBe(100);
  });

  it("rounds a fractional limit down and refuses one that would leave it unbounded", () => {
    const map = new BoundedMap<string, number>(2.5);
    map.set("a", 1).set("b", 2).set("c", 3);
    expect(map.size).toBe(2);
    expect(new BoundedMap(0).set("a", 1).size).toBe(0);
    for (const limit of [Number.POSITIVE_INFINITY, Number.NaN, -1]) expect(() => new BoundedMap(limit)).toThrow(RangeError);
  });
});
