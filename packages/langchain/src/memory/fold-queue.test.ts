import { describe, expect, it } from "vitest";
import { FoldQueue } from "./fold-queue.js";

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("FoldQueue", () => {
  it("runs one task at a time per key, in order, other keys in parallel, and forgets a key when its runs end", async () => {
    const queue = new FoldQueue();
    const log: string[] = [];
    const task = (name: string, ms: number) => async () => {
      log.push(`${name}+`);
      await tick(ms);
      log.push(`${name}-`);
      return name;
    };
    const runs = [queue.run("a", task("a1", 20)), queue.run("a", task("a2", 1)), queue.run("b", task("b1", 1))];
    expect(queue.size).toBe(2);
    expect(await Promise.all(runs)).toEqual(["a1", "a2", "b1"]);
    expect(log.indexOf("a2+")).toBeGreaterThan(log.indexOf("a1-"));
    expect(log.indexOf("b1-")).toBeLessThan(log.indexOf("a1-"));
    expect(queue.size).toBe(0);
  });

  it("a task that fails does not block the next", async () => {
    const queue = new FoldQueue();
    const failed = queue.run("a", async () => {
      throw new Error("boom");
    });
    const next = queue.run("a", async () => "next");
    await expect(failed).rejects.toThrow("boom");
    expect(await next).toBe("next");
    expect(queue.size).toBe(0);
  });
});
