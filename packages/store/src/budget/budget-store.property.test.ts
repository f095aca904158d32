import { mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { InMemoryBudgetStore } from "@tokenledger/langchain";
import fc from "fast-check";
import { afterAll, describe, it } from "vitest";
import { check, op } from "./budget-store-model.test-helper.js";
import { SqliteBudgetStore } from "./sqlite-budget-store.js";

const dir = join(tmpdir(), `tokenledger-budget-model-${process.pid}-${Date.now()}`);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * A fast-check model test of reserve / settle / release / expire sequences against a reference
 * model (budget-store-model.test-helper.ts); PostgreSQL's is in the fleet integration test.
 */
describe("budget stores against a reference model (fast-check)", () => {
  it("InMemoryBudgetStore: every reserve / settle / release / expire sequence", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 10, maxLength: 80 }), (ops) => check(() => new InMemoryBudgetStore(), ops)),
      { numRuns: 300 },
    );
  });

  it("SqliteBudgetStore: the same sequences on a database file", async () => {
    mkdirSync(dir, { recursive: true });
    // One file, emptied before each sequence: each store shares its connection.
    const file = new SqliteBudgetStore(join(dir, "model.db"));
    const fresh = () => {
      file.db.exec("DELETE FROM tokenledger_budget_counters; DELETE FROM tokenledger_budget_reservations");
      return new SqliteBudgetStore(file.db);
    };
    try {
      await fc.assert(
        fc.asyncProperty(fc.array(op, { minLength: 10, maxLength: 60 }), (ops) => check(fresh, ops)),
        { numRuns: 150 },
      );
    } finally {
      await file.close();
    }
  });
});
