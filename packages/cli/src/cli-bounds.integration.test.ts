import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, ftruncateSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { Agent, request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { countMessages, countTokens } from "@tokenledger/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * Issue #32, guarantee 5: the built `tokenledger` binary, run as a child process, is bounded on
 * any input. Peak memory is the child's own: `VmHWM` polled from /proc while it runs (a child
 * past `capMb` is killed, so a regression fails fast instead of eating the machine) and
 * `process.resourceUsage().maxRSS` written at exit by a preloaded hook.
 */
const bin = fileURLToPath(new URL("../dist/cli.js", import.meta.url));
const linux = process.platform === "linux";

let dir: string;
let hook: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "tokenledger-bounds-"));
  hook = join(dir, "max-rss.cjs");
  writeFileSync(
    hook,
    'process.on("exit", () => require("node:fs").writeFileSync(process.env.TL_MAX_RSS_FILE, String(process.resourceUsage().maxRSS)));\n',
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** VmHWM (peak RSS) of a live process in MB, or 0 once it is gone. */
function peakMb(pid: number): number {
  try {
    return Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0) / 1024;
  } catch {
    return 0;
  }
}

/** Polls a child's peak RSS every 10 ms; kills it past `capMb`. */
function watch(child: ChildProcess, capMb: number) {
  const state = { peak: 0, killed: false };
  const timer = setInterval(() => {
    state.peak = Math.max(state.peak, peakMb(child.pid!));
    if (state.peak > capMb && !state.killed) {
      state.killed = true;
      child.kill("SIGKILL");
    }
  }, 10);
  child.once("exit", () => clearInterval(timer));
  return state;
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  peakMb: number;
  killed: boolean;
}

/** Runs the CLI (or `sh -c SCRIPT` with `$TL` the CLI) with stdin from a file, a string or nothing. */
function run(args: string[], opts: { stdin?: string; input?: string; shell?: string; capMb?: number } = {}): Promise<Run> {
  const rssFile = join(dir, `rss-${Math.random().toString(36).slice(2)}`);
  const node = [process.execPath, "-r", hook, bin];
  const env = { ...process.env, TL_MAX_RSS_FILE: rssFile, TL_NODE: node[0], TL_HOOK: hook, TL_BIN: bin };
  const stdin = opts.stdin !== undefined ? openSync(opts.stdin, "r") : opts.input !== undefined ? "pipe" : "ignore";
  const child =
    opts.shell !== undefined
      ? spawn("sh", ["-c", opts.shell.replaceAll("$TL", '"$TL_NODE" -r "$TL_HOOK" "$TL_BIN"')], { env, stdio: [stdin, "pipe", "pipe"] })
      : spawn(node[0]!, [...node.slice(1), ...args], { env, stdio: [stdin, "pipe", "pipe"] });
  if (typeof stdin === "number") closeSync(stdin);
  if (opts.input !== undefined) child.stdin!.end(opts.input);
  const state = watch(child, opts.capMb ?? 1024);
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (c: Buffer) => {
    stdout += c;
  });
  child.stderr!.on("data", (c: Buffer) => {
    stderr += c;
  });
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code) => {
      let atExit = 0;
      try {
        atExit = Number(readFileSync(rssFile, "utf8")) / 1024;
      } catch {}
      resolve({ code, stdout, stderr, peakMb: Math.max(state.peak, atExit), killed: state.killed });
    });
  });
}

/** A sparse file of `bytes` (holes read as NUL bytes; it takes no disk space). */
function sparse(name: string, bytes: number): string {
  const path = join(dir, name);
  const fd = openSync(path, "w");
  ftruncateSync(fd, bytes);
  closeSync(fd);
  return path;
}

const oneLine = (stderr: string) => stderr.trim().split("\n").length === 1;

describe.skipIf(!linux)("chat and inspect read at most their documented limit", () => {
  it("chat refuses /dev/zero after 64 MiB: one line, exit 2, memory bounded", async () => {
    for (const result of [await run(["chat", "/dev/zero"]), await run(["chat", "-"], { stdin: "/dev/zero" })]) {
      expect(result.killed, `peak ${result.peakMb} MB`).toBe(false);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(
        /^tokenledger: (\/dev\/zero|stdin): larger than 64 MiB, the most chat reads \(count streams any size\)\n$/,
      );
      expect(result.peakMb).toBeLessThan(400);
    }
  });

  it("chat and inspect --file refuse a 2 GB sparse file before reading it", async () => {
    const path = sparse("sparse-2g.json", 2 ** 31);
    for (const args of [
      ["chat", path],
      ["inspect", "--file", path],
    ]) {
      const result = await run(args);
      expect(result.killed, `${args[0]}: peak ${result.peakMb} MB`).toBe(false);
      expect(result.code, args[0]).toBe(2);
      expect(result.stderr).not.toMatch(/ERR_STRING_TOO_LONG/);
      expect(oneLine(result.stderr)).toBe(true);
      expect(result.stderr).toMatch(/sparse-2g\.json: larger than (64|1) MiB/);
      expect(result.peakMb).toBeLessThan(200);
    }
  });

  it("inspect refuses /dev/zero (as --file and as stdin) after 1 MiB", async () => {
    for (const result of [await run(["inspect", "--file", "/dev/zero"]), await run(["inspect", "-"], { stdin: "/dev/zero" })]) {
      expect(result.killed, `peak ${result.peakMb} MB`).toBe(false);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/^tokenledger: (\/dev\/zero|stdin): larger than 1 MiB, the most inspect reads/);
      expect(result.peakMb).toBeLessThan(200);
    }
  });

  it("the limit is exact: 64 MiB + 1 byte is refused; a body under it is counted", async () => {
    const over = await run(["chat", sparse("over.json", 64 * 2 ** 20 + 1)]);
    expect([over.code, over.stderr]).toEqual([
      2,
      `tokenledger: ${join(dir, "over.json")}: larger than 64 MiB, the most chat reads (count streams any size)\n`,
    ]);
    const inspectOver = await run(["inspect", "-"], { input: "a".repeat(2 ** 20 + 1) });
    expect(inspectOver.code).toBe(2);
    const inspectAt = await run(["inspect", "-", "--json"], { input: "ab ".repeat(2 ** 18) });
    expect(inspectAt.code).toBe(0);
    expect(JSON.parse(inspectAt.stdout).count).toBe(countTokens("ab ".repeat(2 ** 18)));
  });
});

describe("stdin is read as a stream", () => {
  const body = {
    model: "gpt-4o",
    messages: [
      { role: "system", content: "You are terse." },
      { role: "user", content: "How many tokens is this request?" },
    ],
  };

  it("waits for a slow producer: (sleep 1; cat body.json) | tokenledger chat -", async () => {
    const path = join(dir, "body.json");
    writeFileSync(path, JSON.stringify(body));
    const result = await run([], { shell: `(sleep 1; cat '${path}') | $TL chat - --json` });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).total).toBe(countMessages(body.messages as never, { model: "gpt-4o" }).total);
    const slowInspect = await run([], { shell: "(sleep 1; printf 'hello world') | $TL inspect - --json" });
    expect(slowInspect.code).toBe(0);
    expect(JSON.parse(slowInspect.stdout).count).toBe(countTokens("hello world"));
  });
});

describe("file names and text that a terminal would act on", () => {
  const ESC = "\u001b";
  const odd = ["\\!x.txt", "a\nb.txt", `${ESC}[31mred${ESC}[0m.txt`, "x[1].txt", "*.txt", "?q.txt", "{a,b}.txt", "tab\there.txt"];
  let tree: string;

  beforeAll(() => {
    tree = join(dir, "names");
    mkdirSync(join(tree, "sub"), { recursive: true });
    odd.forEach((name, i) => {
      writeFileSync(join(tree, name), `file ${i}\n`);
    });
    writeFileSync(join(tree, "sub", "plain.txt"), "plain\n");
  });

  it("count DIR counts every file whatever its name, with exact names in --json", async () => {
    const result = await run(["count", tree, "--json"]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const files = JSON.parse(result.stdout).files as Array<{ file: string; tokens: number }>;
    const expected = [
      ...odd.map((name, i) => [join(tree, name), countTokens(`file ${i}\n`)]),
      [join(tree, "sub", "plain.txt"), countTokens("plain\n")],
    ];
    expect(files.map((f) => [f.file, f.tokens]).sort()).toEqual(expected.sort());
  });

  it("prints names escaped: one row per file, no raw control character", async () => {
    const result = await run(["count", tree]);
    expect(result.code).toBe(0);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: checking their absence.
    expect(result.stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f]/);
    const lines = result.stdout.trimEnd().split("\n");
    expect(lines).toHaveLength(1 + odd.length + 1 + 2);
    expect(result.stdout).toContain(`${tree}/a\\nb.txt `);
    expect(result.stdout).toContain(`${tree}/\\x1b[31mred\\x1b[0m.txt `);
    expect(result.stdout).toContain(`${tree}/tab\\there.txt `);
    expect(result.stdout).toContain(`${tree}/\\!x.txt `);
  });

  it("a quoted glob matches such names too", async () => {
    // `*.txt` itself is a file here, so it would be taken as that path: a glob no file is named.
    const result = await run(["count", `${tree}/*.tx[t]`, "--json"]);
    expect(result.code).toBe(0);
    expect((JSON.parse(result.stdout).files as Array<{ file: string }>).map((f) => f.file).sort()).toEqual(
      odd.map((n) => join(tree, n)).sort(),
    );
  });

  it("errors and warnings escape the names they quote", async () => {
    const missing = await run(["count", join(tree, `gone${ESC}]0;pwned\u0007\n.txt`)]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe(`tokenledger: cannot read ${tree}/gone\\x1b]0;pwned\\x07\\n.txt: ENOENT\n`);
    const model = await run(["count", "-", "--model", `${ESC}[2Jwipe`], { input: "hi" });
    expect(model.stderr).toContain('unknown model "\\x1b[2Jwipe"');
    expect(model.stderr + model.stdout).not.toContain(ESC);
  });

  it("inspect shows control characters in the text escaped; chat escapes roles", async () => {
    const text = `red${ESC}[31m!${ESC}[0m\u202e`;
    const result = await run(["inspect", text]);
    expect(result.code).toBe(0);
    expect(result.stdout).not.toContain(ESC);
    expect(result.stdout).not.toContain("\u202e");
    expect(result.stdout).toContain("\\x1b");
    expect(result.stdout).toContain("\\u202e");
    // --json keeps the exact text
    const exact = JSON.parse((await run(["inspect", text, "--json"])).stdout) as { tokens: Array<{ text: string }> };
    expect(exact.tokens.map((t) => t.text).join("")).toBe(text);
    const chat = await run(["chat", "-"], { input: JSON.stringify([{ role: `${ESC}[2J`, content: "hi" }]) });
    expect(chat.code).toBe(0);
    expect(chat.stdout).not.toContain(ESC);
    expect(chat.stdout).toContain("\\x1b[2J");
  });
});

describe("the playground server", () => {
  let server: ChildProcess;
  let url: string;
  let port: string;

  beforeAll(async () => {
    server = spawn(process.execPath, [bin, "playground", "--port", "0"], { stdio: ["ignore", "pipe", "inherit"] });
    url = await new Promise<string>((resolve, reject) => {
      server.stdout!.on("data", (chunk: Buffer) => {
        const match = /(http:\/\/127\.0\.0\.1:\d+\/)/.exec(chunk.toString());
        if (match) resolve(match[1]!);
      });
      server.once("exit", (code) => reject(new Error(`playground exited with ${code}`)));
    });
    port = new URL(url).port;
  });
  afterAll(() => {
    server.kill();
  });

  /** GET on 127.0.0.1 with the Host header given; the body is counted and dropped. */
  const get = (path: string, host: string | undefined, agent?: Agent) =>
    new Promise<{ status: number; bytes: number; body: string }>((resolve, reject) => {
      const req = request(`${url}${path}`, { agent, headers: host === undefined ? {} : { host } }, (res) => {
        let bytes = 0;
        let body = "";
        res.on("data", (c: Buffer) => {
          bytes += c.length;
          if (body.length < 1000) body += c;
        });
        res.on("end", () => resolve({ status: res.statusCode!, bytes, body }));
      });
      req.on("error", reject);
      req.end();
    });

  it("answers to Host localhost:PORT and 127.0.0.1:PORT; refuses any other host", async () => {
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `LOCALHOST:${port}`]) {
      const page = await get("", host);
      expect(page.status, host).toBe(200);
      expect(page.body).toContain('<script type="module" src="main.js">');
    }
    for (const host of [
      "localhost",
      "127.0.0.1",
      "localhost:1",
      `evil.example:${port}`,
      `localhost.evil.example:${port}`,
      `evil.localhost:${port}`,
      `[::1]:${port}`,
      `0.0.0.0:${port}`,
    ]) {
      const refused = await get("", host);
      expect(refused.status, host).toBe(421);
      expect(refused.body).toBe(`this server answers only to Host: 127.0.0.1:${port} or Host: localhost:${port}\n`);
    }
  });

  it.skipIf(!linux)("serves 1,000 concurrent GETs of its 5 MB worker.js from memory: RSS stays bounded", { timeout: 180_000 }, async () => {
    const before = peakMb(server.pid!);
    const state = watch(server, before + 1024);
    const agent = new Agent({ maxSockets: Number.POSITIVE_INFINITY });
    const size = (await get("worker.js", undefined)).bytes;
    expect(size).toBeGreaterThan(1 << 20);
    const responses = await Promise.all(Array.from({ length: 1000 }, () => get("worker.js", undefined, agent)));
    agent.destroy();
    expect(state.killed, `peak ${state.peak} MB`).toBe(false);
    expect(responses.every((r) => r.status === 200 && r.bytes === size)).toBe(true);
    const after = peakMb(server.pid!);
    expect(after - before, `RSS peak ${before.toFixed(0)} MB before, ${after.toFixed(0)} MB after`).toBeLessThan(200);
  });
});
