import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { countMessages, getEncoder } from "@tokenledger/core";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser } from "./launch-browser.js";

/** The real page, served by the built CLI (by path: a workspace dependency would make pnpm link its bin before
 * it is built), driven in headless Chromium (see launch-browser.ts for which one). */
const bin = fileURLToPath(new URL("../packages/cli/dist/cli.js", import.meta.url));
const artifacts = new URL("../test-artifacts/", import.meta.url);
let server: ChildProcess;
let url: string;
let browser: Browser;
let page: Page;
const requested: string[] = [];
/** The one bound on each browser step (first use unpacks the browser): Playwright's own waits have no clock, so a
 * loaded machine is slower, never wrong. */
const BROWSER_TIMEOUT = 300_000;

beforeAll(async () => {
  server = spawn(process.execPath, [bin, "playground", "--port", "0"], { stdio: ["ignore", "pipe", "inherit"] });
  url = await new Promise<string>((resolve, reject) => {
    server.stdout!.on("data", (chunk: Buffer) => {
      const match = /(http:\/\/127\.0\.0\.1:\d+\/)/.exec(chunk.toString());
      if (match) resolve(match[1]!);
    });
    server.once("exit", (code) => reject(new Error(`playground exited with ${code}`)));
  });
  browser = await launchBrowser();
  page = await browser.newPage();
  page.setDefaultTimeout(0);
  page.on("request", (request) => requested.push(request.url()));
}, BROWSER_TIMEOUT);

afterAll(async () => {
  await browser?.close();
  server?.kill();
});

const ready = async (after: string | undefined) => {
  await page.waitForFunction((previous) => document.body.dataset.ready !== undefined && document.body.dataset.ready !== previous, after);
  return page.evaluate(() => document.body.dataset.ready);
};
const panelCount = (model: string) => page.locator(`article[data-model="${model}"] .count`).textContent().then(Number);

describe("the token playground in headless Chromium", { timeout: BROWSER_TIMEOUT }, () => {
  it("loads from the local server only, counts as @tokenledger/core in Node, and highlights each token with its id", async () => {
    await page.goto(url);
    let state = await ready(undefined);

    await page.fill("#text", "人工智能");
    state = await ready(state);
    expect(await panelCount("gpt-4o")).toBe(2);
    expect(await panelCount("gpt-4")).toBe(5);
    const ids = await page
      .locator('article[data-model="gpt-4o"] .tokens span')
      .evaluateAll((spans) => spans.map((s) => Number((s as HTMLElement).dataset.id)));
    expect(ids).toEqual(getEncoder("o200k_base").encode("人工智能"));
    expect(await page.locator('article[data-model="gpt-4o"] .tokens span').first().getAttribute("title")).toBe(`id ${ids[0]}`);

    const mixed = "Tokens are not words: naïve café, 👩‍💻, 画蛇添足, and\n\tcode() { return 42; }";
    await page.fill("#text", mixed);
    state = await ready(state);
    expect(await panelCount("gpt-4o")).toBe(getEncoder("o200k_base").count(mixed));
    expect(await panelCount("gpt-4")).toBe(getEncoder("cl100k_base").count(mixed));

    await page.check('input[value="gpt-4o-mini"]');
    await page.uncheck('input[value="gpt-4"]');
    // Each change starts a count; on a loaded machine the first one's result can land between the two clicks.
    await page.waitForFunction(() => !document.querySelector('article[data-model="gpt-4"]'));
    state = await page.evaluate(() => document.body.dataset.ready);
    expect(await page.locator("article").evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.model))).toEqual([
      "gpt-4o",
      "gpt-4o-mini",
    ]);

    await page.click('button[data-example="Chat JSON"]');
    state = await ready(state);
    const body = JSON.parse(await page.inputValue("#text"));
    expect(await panelCount("gpt-4o")).toBe(countMessages(body.messages, { model: "gpt-4o", tools: body.tools }).total);
    mkdirSync(artifacts, { recursive: true });
    await page.screenshot({ path: new URL("playground.png", artifacts).pathname, fullPage: true });

    const big = "The context window is a budget. 上下文窗口是预算。\n".repeat(20_000);
    // A paste: set the value and fire the input event the browser fires (typing 1 MB over CDP would take minutes).
    await page.evaluate((text) => {
      const area = document.getElementById("text") as HTMLTextAreaElement;
      area.value = text;
      area.dispatchEvent(new Event("input"));
    }, big);
    await ready(state);
    expect(await panelCount("gpt-4o")).toBe(getEncoder("o200k_base").count(big));

    expect(requested.length).toBeGreaterThan(0);
    expect(requested.every((r) => r.startsWith(url))).toBe(true);
  });

  it("never runs pasted text as HTML: a role that is an <img onerror> shows as text", async () => {
    await page.goto(url);
    let state = await ready(undefined);
    const role = '<img src=x onerror="window.__pwned = 1">';
    const payload = JSON.stringify([
      { role, content: "hi" },
      { role: "user", content: "<script>window.__pwned = 2</script>" },
    ]);
    await page.fill("#text", payload);
    state = await ready(state);
    expect(await page.evaluate(() => (window as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.locator("#results img, #results script").count()).toBe(0);
    expect(await page.locator('article[data-model="gpt-4o"] table.chat tr').first().locator("td").nth(1).textContent()).toBe(role);
    expect(await page.locator('article[data-model="gpt-4o"] .tokens').textContent()).toBe(payload);
  });
});
