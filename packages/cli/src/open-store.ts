import { existsSync } from "node:fs";
import type { LedgerStore } from "@tokenledger/store";
import { CliError } from "./cli-error.js";

/**
 * The store `--store` (or `TOKENLEDGER_STORE`) names: `postgres://...` or an existing SQLite file.
 * The store package and its driver load only here, so other commands do not pay for them.
 *
 * @example
 * ```ts
 * const store = await openStore("ledger.db");
 * ```
 */
export async function openStore(target: string | undefined): Promise<LedgerStore> {
  const where = target ?? process.env.TOKENLEDGER_STORE;
  if (!where) throw new CliError("--store FILE | postgres://... is needed (or TOKENLEDGER_STORE)", 2);
  try {
    if (/^postgres(ql)?:\/\//.test(where)) {
      const { createPostgresStore } = await import("@tokenledger/store/postgres");
      return await createPostgresStore({ connectionString: where, poolSize: 1 });
    }
    if (!existsSync(where)) throw new CliError(`no store at ${where}`);
    const { createSqliteStore } = await import("@tokenledger/store/sqlite");
    return await createSqliteStore({ path: where });
  } catch (error) {
    if (error instanceof CliError) throw error;
    const missing = /Cannot find (package|module) '(libsql|pg)'/.exec(String((error as Error)?.message))?.[2];
    if (missing)
      throw new CliError(`reading ${missing === "pg" ? "PostgreSQL" : "a SQLite file"} needs the ${missing} package: npm i ${missing}`);
    throw new CliError(`cannot open the store ${redact(where)}: ${(error as Error)?.message ?? error}`);
  }
}

/** A connection string without its password. */
export const redact = (where: string): string => where.replace(/(\/\/[^:/@]+:)[^@]*@/, "$1***@");

/**
 * A time bound from the command line: `24h`, `30m`, `7d`, `2w` ago, or a date / ISO time.
 *
 * @example
 * ```ts
 * parseTime("24h", "--since", Date.UTC(2026, 0, 2)); // Date.UTC(2026, 0, 1)
 * ```
 */
export function parseTime(text: string, option: string, now = Date.now()): number {
  const relative = /^(\d+(?:\.\d+)?)(m|h|d|w)$/.exec(text.trim());
  if (relative) {
    const unit = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }[relative[2] as "m" | "h" | "d" | "w"];
    return now - Number(relative[1]) * unit;
  }
  const ms = Date.parse(text);
  if (!Number.isFinite(ms)) throw new CliError(`${option} takes 30m, 24h, 7d, 2w or a date (2026-03-01, ISO 8601), not "${text}"`, 2);
  return ms;
}

/** `$0.0123`, `$12.35`: dollars, small amounts with their significant digits. */
export const usd = (value: number): string =>
  value === 0
    ? "$0"
    : value >= 1
      ? `$${value.toFixed(2)}`
      : `$${value
          .toFixed(10)
          .replace(/0+$/, "")
          .replace(/(\.\d*?[1-9]\d{3})\d*$/, "$1")}`;
