import { execFile, execFileSync, spawn } from "node:child_process";
import { closeSync, ftruncateSync, mkdirSync, mkdtempSync, openSync, readFileSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { countMessages, countTokens, getEncoder } from "@tokenledger/core";
import { get_encoding } from "tiktoken";
import { beforeAll, describe, expect, it } from "vitest";

/** The built `tokenledger` binary, run as a child process, as users run it. */
/** The built CLI, by path: a workspace dependency on it would make pnpm link its bin before it is built. */
const bin = fileURLToPath(new URL("../packages/cli/dist/cli.js", import.meta.url));
const run = promisify(execFile);
const tokenledger = (args: string[], input?: string | Buffer) => {
  const child = run(process.execPath, [bin, ...args], { maxBuffer: 1 << 26 });
  if (input !== undefined) {
    child.child.stdin!.end(input);
  }
  return child;
};
const fails = (args: string[], input?: string) =>
  tokenledger(args, input).then(
    () => ({ code: 0, stderr: "" }),
    (e: { code: number; stderr: string }) => e,
  );
const names = (result: { files: Array<{ file: string }> }) => result.files.map((f) => f.file.slice(dir.length + 1));

let dir: string;
const english = "The quick brown fox jumps over the lazy dog.\n".repeat(20);
const chinese = "人工智能正在改变世界，上下文窗口决定了模型一次能读多少文字。\n".repeat(10);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "tokenledger-cli-"));
  writeFileSync(join(dir, "english.txt"), english);
  writeFileSync(join(dir, "chinese.txt"), chinese);
  mkdirSync(join(dir, "tree", "build"), { recursive: true });
  mkdirSync(join(dir, "tree", "src"), { recursive: true });
  writeFileSync(join(dir, "tree", ".gitignore"), "build/\n*.log\n");
  writeFileSync(join(dir, "tree", "src", "a.ts"), "export const a = 1;\n");
  writeFileSync(join(dir, "tree", "src", "b.md"), "# Title\n\nSome text.\n");
  writeFileSync(join(dir, "tree", "src", "debug.log"), "ignored\n");
  writeFileSync(join(dir, "tree", "build", "out.js"), "ignored();\n");
  writeFileSync(join(dir, "tree", "src", "image.png"), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 13]));
  // a repository: nested .gitignore files anchored to their folder, .git/info/exclude
  mkdirSync(join(dir, "tree", ".git", "info"), { recursive: true });
  writeFileSync(join(dir, "tree", ".git", "info", "exclude"), "secret.md\n");
  writeFileSync(join(dir, "tree", "src", "secret.md"), "excluded by info/exclude\n");
  writeFileSync(join(dir, "tree", "src", ".gitignore"), "/gen.ts\n");
  writeFileSync(join(dir, "tree", "src", "gen.ts"), "ignored by src/.gitignore\n");
  mkdirSync(join(dir, "tree", "src", "deep"), { recursive: true });
  writeFileSync(join(dir, "tree", "src", "deep", "gen.ts"), "kept: /gen.ts is anchored to src/\n");
  writeFileSync(join(dir, "tree", "gen.ts"), "kept: src/.gitignore does not reach up\n");
});

describe("tokenledger count", () => {
  it("counts files as @tokenledger/core does, with totals, window and cost", async () => {
    const { stdout } = await tokenledger(["count", join(dir, "english.txt"), join(dir, "chinese.txt"), "--json"]);
    const result = JSON.parse(stdout);
    expect(result.files.map((f: { tokens: number }) => f.tokens)).toEqual([countTokens(english), countTokens(chinese)]);
    expect(result.total.tokens).toBe(countTokens(english) + countTokens(chinese));
    expect(result.total.characters).toBe(english.length + chinese.length);
    expect(result.contextWindow).toBe(128_000);
    expect(result.inputCostUsd).toBeCloseTo((result.total.tokens * 2.5) / 1e6, 12);
  });

  it("uses the model's encoding, or the one asked for", async () => {
    const gpt4 = JSON.parse((await tokenledger(["count", join(dir, "chinese.txt"), "--model", "gpt-4", "--json"])).stdout);
    expect(gpt4.encoding).toBe("cl100k_base");
    expect(gpt4.total.tokens).toBe(countTokens(chinese, { model: "gpt-4" }));
    const p50k = JSON.parse((await tokenledger(["count", join(dir, "english.txt"), "--encoding", "p50k_base", "--json"])).stdout);
    expect(p50k.total.tokens).toBe(getEncoder("p50k_base").count(english));
  });

  it("walks folders, skipping binary files and what .gitignore excludes", async () => {
    const result = JSON.parse((await tokenledger(["count", join(dir, "tree"), "--json"])).stdout);
    expect(names(result)).toEqual([
      "tree/.gitignore",
      "tree/gen.ts",
      "tree/src/.gitignore",
      "tree/src/a.ts",
      "tree/src/b.md",
      "tree/src/deep/gen.ts",
    ]);
  });

  it("applies the .gitignore files above a named folder and .git/info/exclude", async () => {
    const result = JSON.parse((await tokenledger(["count", join(dir, "tree", "src"), "--json"])).stdout);
    expect(names(result)).toEqual(["tree/src/.gitignore", "tree/src/a.ts", "tree/src/b.md", "tree/src/deep/gen.ts"]);
  });

  it("counts an ignored folder that is named, and says so", async () => {
    const { stdout, stderr } = await tokenledger(["count", join(dir, "tree", "build"), "--json"]);
    expect(names(JSON.parse(stdout))).toEqual(["tree/build/out.js"]);
    expect(stderr).toMatch(/^tokenledger: note: .*build is excluded by a \.gitignore above it; counting it because it was named\n$/);
  });

  it("takes a path that exists as that path, not as a glob", async () => {
    mkdirSync(join(dir, "g"), { recursive: true });
    writeFileSync(join(dir, "g", "x[1].txt"), "bracketed name\n");
    writeFileSync(join(dir, "g", "x1.txt"), "another file\n");
    const result = JSON.parse((await tokenledger(["count", join(dir, "g", "x[1].txt"), "--json"])).stdout);
    expect(names(result)).toEqual(["g/x[1].txt"]);
    expect(result.total.tokens).toBe(countTokens("bracketed name\n"));
  });

  it("reports the file's own bytes, for invalid UTF-8 too", async () => {
    const bytes = Buffer.from("caf\xe9 na\xefve \xff\xfe ok \xe4\xbd", "latin1");
    expect(Buffer.byteLength(bytes.toString("utf8"))).not.toBe(bytes.length);
    const path = join(dir, "latin1.txt");
    writeFileSync(path, bytes);
    const result = JSON.parse((await tokenledger(["count", path, "--json"])).stdout);
    expect(result.total.bytes).toBe(bytes.length);
    expect(result.total.tokens).toBe(countTokens(bytes.toString("utf8")));
  });

  it("refuses a binary file or device named explicitly in one line, without reading it all", async () => {
    const png = await fails(["count", join(dir, "tree", "src", "image.png")]);
    expect(png.code).toBe(1);
    expect(png.stderr).toMatch(/^tokenledger: .*image\.png: binary \(a NUL byte in its first 8 KB\), not counted\n$/);
    const sparse = join(dir, "sparse.bin");
    const fd = openSync(sparse, "w");
    ftruncateSync(fd, 2 ** 31);
    closeSync(fd);
    const big = await fails(["count", sparse]);
    expect(big.code).toBe(1);
    expect(big.stderr).toMatch(/sparse\.bin: binary/);
    const zero = await fails(["count", "/dev/zero"]);
    expect(zero.code).toBe(1);
    expect(zero.stderr).toBe("tokenledger: /dev/zero: binary (a NUL byte in its first 8 KB), not counted\n");
  });

  it("reads a FIFO named explicitly as a stream", async () => {
    const fifo = join(dir, "pipe");
    execFileSync("mkfifo", [fifo]);
    const child = tokenledger(["count", fifo, "--json"]);
    writeFileSync(fifo, english);
    const result = JSON.parse((await child).stdout);
    expect(result.total).toMatchObject({ tokens: countTokens(english), bytes: Buffer.byteLength(english) });
  });

  it("with --encoding alone reports no model, window or price; with --model too, says why they differ", async () => {
    const result = JSON.parse((await tokenledger(["count", join(dir, "english.txt"), "--encoding", "p50k_base", "--json"])).stdout);
    expect(result).toMatchObject({ model: null, encoding: "p50k_base", contextWindow: null, windowUse: null, inputCostUsd: null });
    const human = await tokenledger(["count", join(dir, "english.txt"), "--encoding", "p50k_base"]);
    expect(human.stdout).not.toMatch(/gpt-4o|window|\$/);
    const both = await tokenledger(["count", join(dir, "english.txt"), "--encoding", "p50k_base", "--model", "gpt-4"]);
    expect(both.stderr).toMatch(/^tokenledger: note: gpt-4 uses cl100k_base; counting with p50k_base/);
    expect(both.stdout).toContain(`${getEncoder("p50k_base").count(english)} tokens (p50k_base); `);
  });

  it('says "1 token", not "1 tokens"', async () => {
    expect((await tokenledger(["count", "-"], "hi")).stdout).toMatch(/\n1 token \(o200k_base\)/);
  });

  it("expands a quoted glob below its base", async () => {
    const result = JSON.parse((await tokenledger(["count", `${join(dir, "tree")}/**/*.ts`, "--json"])).stdout);
    expect(result.files.map((f: { file: string }) => f.file.slice(dir.length + 1))).toEqual([
      "tree/gen.ts",
      "tree/src/a.ts",
      "tree/src/deep/gen.ts",
    ]);
    const none = await fails(["count", `${dir}/*.nothing`]);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/no files match\n$/);
  });

  it("reads stdin and prints a human table", async () => {
    const { stdout } = await tokenledger(["count", "-"], english);
    expect(stdout).toContain(`${countTokens(english)} tokens (o200k_base)`);
    expect(stdout).toMatch(/of gpt-4o's 128,000-token window/);
  });

  it("streams a large file in bounded chunks to the exact count", async () => {
    const big = Array.from(
      { length: 60_000 },
      (_, i) => `${i % 3 ? english.slice(0, 45 + (i % 40)) : chinese.slice(0, 20 + (i % 11))} ${i}\n`,
    ).join("");
    const path = join(dir, "big.txt");
    writeFileSync(path, big);
    expect(Buffer.byteLength(big)).toBeGreaterThan(4 << 20);
    const result = JSON.parse((await tokenledger(["count", path, "--json"])).stdout);
    expect(result.total.tokens).toBe(countTokens(big));
  });
});

describe("tokenledger chat, inspect, models", () => {
  it("counts a Chat Completions body with tools as countMessages does", async () => {
    const body = {
      model: "gpt-4o",
      messages: [
        { role: "system", content: "You are a helpful assistant." },
        { role: "user", content: "What's the weather like in San Francisco?" },
      ],
      tools: [
        {
          type: "function",
          function: {
            name: "get_weather",
            description: "Get the weather",
            parameters: { type: "object", properties: { city: { type: "string" } } },
          },
        },
      ],
    };
    const path = join(dir, "chat.json");
    writeFileSync(path, JSON.stringify(body, null, 2));
    const result = JSON.parse((await tokenledger(["chat", path, "--json"])).stdout);
    const expected = countMessages(body.messages, { model: "gpt-4o", tools: body.tools as never });
    expect(result).toMatchObject({
      total: expected.total,
      perMessage: expected.perMessage,
      tools: expected.tools,
      replyPriming: 3,
      fits: true,
    });
    expect((await tokenledger(["chat", path])).stdout).toMatch(new RegExp(`total\\s+${expected.total}`));
  });

  it("lets --model override the body's model, and reads a JSON file with a byte-order mark", async () => {
    const messages = [{ role: "user", content: "人工智能正在改变世界" }];
    const path = join(dir, "bom.json");
    writeFileSync(path, `\uFEFF${JSON.stringify({ model: "gpt-4", messages })}`);
    const asBody = JSON.parse((await tokenledger(["chat", path, "--json"])).stdout);
    expect(asBody).toMatchObject({ model: "gpt-4", total: countMessages(messages, { model: "gpt-4" }).total });
    const overridden = await tokenledger(["chat", path, "--model", "gpt-4o", "--json"]);
    expect(JSON.parse(overridden.stdout)).toMatchObject({ model: "gpt-4o", total: countMessages(messages, { model: "gpt-4o" }).total });
    expect(overridden.stderr).toBe("");
    expect(countMessages(messages, { model: "gpt-4" }).total).not.toBe(countMessages(messages, { model: "gpt-4o" }).total);
  });

  it("inspect - reads stdin, and shows tokens that are part of a character as their bytes", async () => {
    const reference = get_encoding("cl100k_base");
    const text = "鳗語";
    const hex = [...reference.encode_ordinary(text)].map((id) => [...reference.decode_single_token_bytes(id)]);
    reference.free();
    const { stdout } = await tokenledger(["inspect", "-", "--encoding", "cl100k_base"], text);
    const shown = hex.map((bytes) => {
      const t = Buffer.from(bytes).toString("utf8");
      return t.includes("\uFFFD") ? `<${bytes.map((b) => `0x${b.toString(16).toUpperCase()}`).join(" ")}>` : t;
    });
    expect(shown).toContain("<0xE9>");
    expect(stdout.split("\n")[1]).toBe(shown.map((t, i) => `[${t}|${getEncoder("cl100k_base").encode(text)[i]}]`).join(" "));
    const json = JSON.parse((await tokenledger(["inspect", "-", "--encoding", "cl100k_base", "--json"], text)).stdout);
    expect(json.tokens.map((t: { shown?: string; text: string }) => t.shown ?? t.text)).toEqual(shown);
  });

  it("shows that 人工智能 is 5 tokens in cl100k_base and 2 in o200k_base", async () => {
    const compare = JSON.parse((await tokenledger(["inspect", "人工智能", "--compare", "--json"])).stdout);
    expect(compare.map((v: { encoding: string; count: number }) => [v.encoding, v.count])).toEqual([
      ["o200k_base", 2],
      ["cl100k_base", 5],
    ]);
    const { stdout } = await tokenledger(["inspect", "hello world", "--model", "gpt-4o"]);
    expect(stdout).toContain("[hello|24912] [ world|2375]");
  });

  it("lists the model table with its sources", async () => {
    const result = JSON.parse((await tokenledger(["models", "--json"])).stdout);
    expect(result.models.find((m: { model: string }) => m.model === "gpt-4o")).toMatchObject({
      encoding: "o200k_base",
      contextWindow: 128_000,
      inputUsdPerMillion: 2.5,
    });
    expect(result.limitsSource).toMatch(/2026-11-28/);
  });
});

describe("tokenledger errors: one line, non-zero exit, no stack trace", () => {
  it("a missing file", async () => {
    const e = await fails(["count", join(dir, "nope.txt")]);
    expect(e.code).toBe(1);
    expect(e.stderr).toMatch(/^tokenledger: cannot read .*nope\.txt: ENOENT\n$/);
  });

  it("invalid JSON, with line and column", async () => {
    const path = join(dir, "bad.json");
    writeFileSync(path, '{\n  "messages": [\n    { "role": "user", "content": "hi" },\n  ]\n}');
    const e = await fails(["chat", path]);
    expect(e.code).toBe(1);
    expect(e.stderr).toMatch(/^tokenledger: .*bad\.json:4:3: invalid JSON/);
    expect(e.stderr.trim().split("\n")).toHaveLength(1);
  });

  it("an unknown model: a warning and the fallback, or an error with --strict", async () => {
    const warned = await tokenledger(["count", join(dir, "english.txt"), "--model", "my-llm"]);
    expect(warned.stderr).toBe('tokenledger: unknown model "my-llm": counting with o200k_base\n');
    const e = await fails(["count", join(dir, "english.txt"), "--model", "my-llm", "--strict"]);
    expect(e.code).toBe(1);
    expect(e.stderr).toBe('tokenledger: unknown model "my-llm" (--strict)\n');
  });

  it("an option the command does not take, a missing value, bad arguments", async () => {
    const cases: Array<[string[], RegExp]> = [
      [["count", "--port", "1"], /^tokenledger: count does not take --port; see tokenledger count --help\n$/],
      [["models", "--compare"], /^tokenledger: models does not take --compare/],
      [["count", "--model"], /^tokenledger: --model needs a value\n$/],
      [["count", "--encoding", "nope"], /^tokenledger: unknown encoding "nope"; one of o200k_base, /],
      [["playground", "--port", "http"], /^tokenledger: --port must be 0 to 65535/],
      [["inspect"], /^tokenledger: inspect needs TEXT/],
      [["chat"], /^tokenledger: chat needs a FILE\.json/],
      [["models", "extra"], /^tokenledger: models takes no arguments/],
    ];
    for (const [args, message] of cases) {
      const e = await fails(args);
      expect(e.code, args.join(" ")).toBe(2);
      expect(e.stderr).toMatch(message);
      expect(e.stderr.trim().split("\n"), args.join(" ")).toHaveLength(1);
    }
  });

  it("--version prints the package's version", async () => {
    const { version } = JSON.parse(readFileSync(join(bin, "..", "..", "package.json"), "utf8"));
    expect((await tokenledger(["--version"])).stdout).toBe(`${version}\n`);
  });

  it("an unknown flag or command", async () => {
    const flag = await fails(["count", "--bogus"]);
    expect(flag.code).toBe(2);
    expect(flag.stderr.trim().split("\n")).toHaveLength(1);
    const command = await fails(["frobnicate"]);
    expect(command.code).toBe(2);
    expect(command.stderr).toBe('tokenledger: unknown command "frobnicate"; see tokenledger --help\n');
  });
});

describe("tokenledger playground's server", () => {
  const get = (url: string, opts: { method?: string; host?: string } = {}) =>
    new Promise<{ status: number; headers: Record<string, unknown>; body: string }>((resolve, reject) => {
      const req = request(url, { method: opts.method ?? "GET", headers: opts.host ? { host: opts.host } : {} }, (res) => {
        let body = "";
        res.on("data", (c) => {
          body += c;
        });
        res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body }));
      });
      req.on("error", reject);
      req.end();
    });

  it("serves only GET and HEAD, only to its own Host, with a Content-Security-Policy and nosniff", async () => {
    const server = spawn(process.execPath, [bin, "playground", "--port", "0"], { stdio: ["ignore", "pipe", "inherit"] });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        server.stdout!.on("data", (chunk: Buffer) => {
          const match = /(http:\/\/127\.0\.0\.1:\d+\/)/.exec(chunk.toString());
          if (match) resolve(match[1]!);
        });
        server.once("exit", (code) => reject(new Error(`playground exited with ${code}`)));
      });
      const page = await get(url);
      expect(page.status).toBe(200);
      expect(page.headers["content-security-policy"]).toMatch(/default-src 'none'; script-src 'self'; worker-src 'self'/);
      expect(page.headers["x-content-type-options"]).toBe("nosniff");
      expect(page.body).toContain('<script type="module" src="main.js">');
      const head = await get(url, { method: "HEAD" });
      expect([head.status, head.body]).toEqual([200, ""]);
      for (const method of ["POST", "PUT", "DELETE", "OPTIONS"]) {
        const refused = await get(url, { method });
        expect(refused.status, method).toBe(405);
        expect(refused.headers.allow).toBe("GET, HEAD");
      }
      const host = new URL(url).host;
      for (const other of ["evil.example", `evil.example:${new URL(url).port}`, "localhost", "127.0.0.1:1"]) {
        const rebound = await get(url, { host: other });
        expect(rebound.status, other).toBe(421);
        expect(rebound.body).toContain(`Host: ${host}`);
      }
      const js = await get(`${url}main.js`);
      expect(js.headers["content-type"]).toBe("text/javascript; charset=utf-8");
      expect(js.body).not.toMatch(/innerHTML|insertAdjacentHTML|outerHTML|document\.write/);
      expect((await get(`${url}../package.json`)).status).toBe(404);
    } finally {
      server.kill();
    }
  });
});
