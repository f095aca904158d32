import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { startOpenAIServer } from "@tokenledger/openai-server";
import { afterAll, describe, expect, it } from "vitest";
import { createSqliteStore } from "../sqlite/index.js";

const run = promisify(execFile);
const packageDir = fileURLToPath(new URL("../..", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "tokenledger-exit-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A program that attaches a store in batched mode (a window far longer than it lives), invokes, and ends without closing it. */
const program = `
import { ChatOpenAI } from "@langchain/openai";
import { TokenLedgerHandler } from "@tokenledger/langchain";
import { createSqliteStore } from "@tokenledger/store/sqlite";
const [path, baseURL, runId] = process.argv.slice(1);
const store = await createSqliteStore({ path });
const ledger = new TokenLedgerHandler();
store.attach(ledger, { durability: "batched", flushMs: 600000 });
const model = new ChatOpenAI({ model: "gpt-4o-mini", apiKey: "test", maxRetries: 0, configuration: { baseURL } });
await model.invoke("Hello there", { runId, callbacks: [ledger], metadata: { user_id: "exit" } });
console.log(JSON.stringify(store.stats()));
`;

describe("batched mode at process exit", () => {
  it("writes the queued records before a process that forgot close() exits on its own", async () => {
    const server = await startOpenAIServer();
    try {
      const path = join(dir, "exit.db");
      const runId = crypto.randomUUID();
      const { stdout } = await run(process.execPath, ["--input-type=module", "-e", program, path, server.baseURL, runId], {
        cwd: packageDir,
      });
      expect(JSON.parse(stdout)).toMatchObject({ written: 0, queued: 1 });
      const store = await createSqliteStore({ path });
      const [record] = await store.runs({ traceId: runId });
      await store.close();
      expect(record).toMatchObject({ runId, userId: "exit", status: "ok", inputTokens: expect.any(Number) });
    } finally {
      await server.close();
    }
  });
});
