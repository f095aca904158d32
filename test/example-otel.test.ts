import { execFile } from "node:child_process";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const main = fileURLToPath(new URL("../examples/otel-prometheus/main.mjs", import.meta.url));
const run = promisify(execFile);

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe("examples/otel-prometheus", () => {
  it("serves gen_ai.client.token.usage on a Prometheus endpoint whose sums equal the ledger's totals", async () => {
    const { stdout } = await run(process.execPath, [main, "--port", String(await freePort()), "--instance", "test-7"]);
    const sums = [...stdout.matchAll(/^gen_ai_client_token_usage_sum\{([^}]*)\} (\d+)$/gm)];
    expect(sums).toHaveLength(4);
    expect(sums.every(([, labels]) => labels!.includes('service_instance_id="test-7"'))).toBe(true);
    const total = (type: string) =>
      sums.filter(([, labels]) => labels!.includes(`gen_ai_token_type="${type}"`)).reduce((s, [, , v]) => s + Number(v), 0);
    const ledger = JSON.parse(/^ledger totals: (.*)$/m.exec(stdout)![1]!);
    expect(total("input")).toBe(ledger.inputTokens);
    expect(total("output")).toBe(ledger.outputTokens);
    expect(new Set(sums.map(([, labels]) => /gen_ai_request_model="([^"]+)"/.exec(labels!)![1]))).toEqual(
      new Set(["gpt-4o", "gpt-4o-mini"]),
    );
  });
});
