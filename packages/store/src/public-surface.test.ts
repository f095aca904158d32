import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import * as main from "./index.js";
import * as postgres from "./postgres.js";
import * as sqlite from "./sqlite.js";

/** The public surface: every name the README's API table documents, by entry. */
const RUNTIME = {
  ".": ["MIGRATIONS"],
  "./sqlite": ["SqliteBudgetStore", "createSqliteStore"],
  "./postgres": ["PostgresBudgetStore", "createPostgresStore"],
};
const TYPES = [
  "LedgerStore",
  "AttachOptions",
  "Durability",
  "RecordSource",
  "RunFilter",
  "RunsQuery",
  "StoreErrorEvent",
  "StoreStats",
  "TimeBound",
  "UsageDimension",
  "UsageQuery",
  "UsageRow",
  "LlmRunRecord",
  "SqliteStoreOptions",
  "PostgresStoreOptions",
];

const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
const apiSection = readme.slice(readme.indexOf("\n## API\n"), readme.indexOf("\n## ", readme.indexOf("\n## API\n") + 1));

describe("the public surface of @tokenledger/store", () => {
  it("exports at run time exactly the documented values, per entry", () => {
    expect(Object.keys(main).sort()).toEqual(RUNTIME["."]);
    expect(Object.keys(sqlite).sort()).toEqual(RUNTIME["./sqlite"]);
    expect(Object.keys(postgres).sort()).toEqual(RUNTIME["./postgres"]);
  });

  it("documents every export in the README's API table", () => {
    const missing = [...Object.values(RUNTIME).flat(), ...TYPES].filter((name) => !apiSection.includes(`\`${name}`));
    expect(missing).toEqual([]);
  });

  it("exports every documented type (checked when the tests are type-checked)", () => {
    type Documented = [
      main.LedgerStore,
      main.AttachOptions,
      main.Durability,
      main.RecordSource,
      main.RunFilter,
      main.RunsQuery,
      main.StoreErrorEvent,
      main.StoreStats,
      main.TimeBound,
      main.UsageDimension,
      main.UsageQuery,
      main.UsageRow,
      main.LlmRunRecord,
      sqlite.SqliteStoreOptions,
      postgres.PostgresStoreOptions,
    ];
    const count: Documented["length"] = 15;
    expect(count).toBe(TYPES.length);
  });
});
